// The SQL layer every lib/src/db/*.cpp uses, one interface over two
// backends: the embedded SQLite file (db/sqlite.cpp) and a PostgreSQL
// server through libpq (db/postgres.cpp). RAII: Db closes, Stmt finalises,
// Transaction rolls back in its destructor unless committed. Every failure
// is an Error value. SQL is written once, with ?N placeholders; the
// PostgreSQL side rewrites them to $N and binds typed parameters (blobs as
// bytea, in binary). Private to lib/src.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sfcohort/result.hpp"

struct sqlite3;

namespace sfcohort::sql {

enum class Backend { kSqlite, kPostgres };

// One backend's prepared statement.
class StmtImpl {
 public:
  virtual ~StmtImpl() = default;
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_int64(int i, int64_t v) = 0;
  virtual void bind_double(int i, double v) = 0;
  virtual void bind_null(int i) = 0;
  virtual void bind_blob(int i, const void* p, size_t n) = 0;
  virtual Result<bool> step() = 0;
  // Back to before the first step; bindings kept (rewind) or cleared (reset).
  virtual void rewind() = 0;
  virtual void reset() = 0;
  virtual std::string_view text_view(int col) const = 0;
  virtual std::string_view blob(int col) const = 0;
  virtual int64_t int64(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual bool is_null(int col) const = 0;
};

// One row of a streamed bulk read (Db::copy_out): its columns as the
// server sent them in COPY's binary format, valid only during the call that
// gives it. The accessors are named as Stmt's, so one template reads both.
class CopyRow {
 public:
  bool is_null(int col) const { return null_[static_cast<size_t>(col)]; }
  std::string_view text_view(int col) const { return cols_[static_cast<size_t>(col)]; }
  std::string_view blob(int col) const { return cols_[static_cast<size_t>(col)]; }
  // A bigint, integer, smallint or boolean column (big-endian, by its size).
  int64_t int64(int col) const;
  // Parses one tuple of COPY's binary format at DATA; false if malformed.
  bool parse(std::string_view data);

 private:
  std::vector<std::string_view> cols_;
  std::vector<bool> null_;
};

// One backend's connection.
class Conn {
 public:
  virtual ~Conn() = default;
  virtual Backend backend() const = 0;
  virtual Result<std::unique_ptr<StmtImpl>> prepare(std::string_view sql) = 0;
  virtual Status exec(std::string_view sql) = 0;
  virtual int64_t changes() const = 0;
  virtual bool in_transaction() const = 0;
  // A write transaction (SQLite: BEGIN IMMEDIATE) and a read one (one
  // snapshot for every statement until it ends).
  virtual Status begin_write() = 0;
  virtual Status begin_read() = 0;
  virtual Status commit() = 0;
  virtual Error last_error(std::string_view what) const = 0;
  virtual sqlite3* sqlite_handle() const { return nullptr; }
  // The database user the server authenticated ("" on SQLite).
  virtual std::string user() const { return ""; }
  // Bulk transfer, PostgreSQL only (an internal error on SQLite): QUERY's
  // rows streamed one at a time to ROW (which returns false to stop
  // reading), never the whole result at once; and DATA, rows in COPY's text
  // format, sent by the COPY ... FROM STDIN statement COPY_SQL.
  virtual Status copy_out(std::string_view query, const std::function<bool(const CopyRow&)>& row);
  virtual Status copy_in(std::string_view copy_sql, std::string_view data);
  // COPIES, each a COPY ... FROM STDIN and its data, sent in order on a
  // thread of the connection's own while the caller goes on: the next use of
  // the connection (any statement, commit, rollback) first waits for them
  // and returns their error, if one failed. Never two uses at once, so the
  // caller must not hold the connection's attention meanwhile (a COPY it
  // started, a statement it steps). Sent at once, as copy_in, on SQLite.
  using Copies = std::vector<std::pair<std::string, std::string>>;
  virtual Status copy_in_later(Copies copies);
  // Run before any later statement on the connection (not within itself):
  // a bulk writer's buffered rows are flushed there, so every read sees
  // them. Empty to remove. PostgreSQL only.
  virtual void set_before_statement(std::function<Status()> hook);
};

class Db;

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(std::unique_ptr<StmtImpl> impl) : impl_(std::move(impl)) {}
  Stmt(Stmt&&) noexcept = default;
  Stmt& operator=(Stmt&&) noexcept = default;

  // Binds are 1-based, as in SQLite. An empty optional binds NULL.
  Stmt& bind(int i, std::string_view v) {
    impl_->bind_text(i, v);
    return *this;
  }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, int64_t v) {
    impl_->bind_int64(i, v);
    return *this;
  }
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, double v) {
    impl_->bind_double(i, v);
    return *this;
  }
  Stmt& bind(int i, const std::optional<std::string>& v) {
    return v ? bind(i, std::string_view(*v)) : bind_null(i);
  }
  Stmt& bind_null(int i) {
    impl_->bind_null(i);
    return *this;
  }
  Stmt& bind_blob(int i, const void* p, size_t n) {
    impl_->bind_blob(i, p, n);
    return *this;
  }

  // Returns true when a row is ready, false when done.
  Result<bool> step() { return impl_->step(); }
  // Steps to completion, for statements that return no rows.
  Status run();
  // Ends the statement and clears its bindings.
  void reset() { impl_->reset(); }

  std::string text(int col) const { return std::string(impl_->text_view(col)); }
  std::optional<std::string> text_or_null(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
  }
  int64_t int64(int col) const { return impl_->int64(col); }
  double real(int col) const { return impl_->real(col); }
  bool is_null(int col) const { return impl_->is_null(col); }
  // Valid until the next step/reset.
  std::string_view text_view(int col) const { return impl_->text_view(col); }
  std::string_view blob(int col) const { return impl_->blob(col); }

 private:
  std::unique_ptr<StmtImpl> impl_;
};

class Db {
 public:
  enum class Mode { kReadWrite, kReadWriteCreate, kReadOnly };

  // Opens the SQLite database PATH (":memory:" for an in-memory database)
  // with foreign keys on, WAL journal (file databases), a busy timeout and
  // extended result codes.
  static Result<Db> open(const std::string& path, Mode mode);
  // Connects to a PostgreSQL server: CONNINFO is a postgresql:// URI or
  // libpq's keyword form. Passwords, TLS and the like are libpq's own
  // (~/.pgpass, PGPASSFILE, PGSSLMODE...). WHAT names the database in errors.
  static Result<Db> connect_postgres(const std::string& conninfo, const std::string& what);

  Db() = default;
  explicit Db(std::unique_ptr<Conn> c) : conn_(std::move(c)) {}
  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;

  Backend backend() const { return conn_->backend(); }
  bool postgres() const { return conn_ && conn_->backend() == Backend::kPostgres; }
  Result<Stmt> prepare(std::string_view sql);
  // Runs one or more statements that return no rows.
  Status exec(std::string_view sql) { return conn_->exec(sql); }
  // Runs a query expected to return one integer (e.g. PRAGMA user_version).
  Result<int64_t> scalar_int(std::string_view sql);
  int64_t changes() const { return conn_->changes(); }
  bool in_transaction() const { return conn_->in_transaction(); }
  // See Conn::copy_out and copy_in (PostgreSQL only).
  Status copy_out(std::string_view query, const std::function<bool(const CopyRow&)>& row) {
    return conn_->copy_out(query, row);
  }
  Status copy_in(std::string_view copy_sql, std::string_view data) {
    return conn_->copy_in(copy_sql, data);
  }
  Status copy_in_later(Conn::Copies copies) { return conn_->copy_in_later(std::move(copies)); }
  Conn& conn() { return *conn_; }
  // The database user the server authenticated ("" on SQLite).
  std::string user() const { return conn_ ? conn_->user() : ""; }
  // The SQLite connection, or null on PostgreSQL.
  sqlite3* sqlite_handle() const { return conn_ ? conn_->sqlite_handle() : nullptr; }
  explicit operator bool() const { return conn_ != nullptr; }

  // The Error for the connection's current failure, prefixed with WHAT.
  Error last_error(std::string_view what) const { return conn_->last_error(what); }

  // A failure after the data was committed, set by a hook run at commit (the
  // audit head's write), which then fails the commit: Transaction::commit()
  // reports this error rather than the backend's, once.
  std::optional<Error> after_commit_error;

 private:
  std::unique_ptr<Conn> conn_;
};

// A write transaction on begin() (SQLite: BEGIN IMMEDIATE), a read one on
// begin_read(); ROLLBACK in the destructor unless commit() ran.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db);
  static Result<Transaction> begin_read(Db& db);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_ = nullptr;
};

// A PostgreSQL array literal of VALUES, bound as text and cast in the query
// (= ANY(?1::bigint[]), ::text[]): one query for many keys. Texts are
// quoted, their quotes and backslashes escaped.
std::string array_literal(const std::vector<int64_t>& values);
std::string array_literal(const std::vector<std::string>& values);

// Appends FIELD to ROW in COPY's text format (escaped; a null as \N), after
// a tab unless it is the row's first field.
void copy_field(std::string& row, std::string_view field, bool first = false);
void copy_null(std::string& row, bool first = false);

// The SQLite connection behind a Db opened by Db::open (db/sqlite.cpp).
std::unique_ptr<Conn> open_sqlite(const std::string& path, Db::Mode mode, Error& err);

}  // namespace sfcohort::sql

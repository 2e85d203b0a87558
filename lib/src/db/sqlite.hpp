// A thin RAII layer over SQLite: Db closes, Stmt finalises, Transaction rolls
// back in its destructor unless committed. Every failure is an Error value
// carrying SQLite's extended result code in its message. Private to lib/src.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sfcohort/result.hpp"

namespace sfcohort::sql {

class Db;

class Stmt {
 public:
  Stmt() = default;
  Stmt(Stmt&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds are 1-based, as in SQLite. An empty optional binds NULL.
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, double v);
  Stmt& bind(int i, const std::optional<std::string>& v);
  Stmt& bind_null(int i);
  Stmt& bind_blob(int i, const void* p, size_t n);

  // Returns true when a row is ready, false when done.
  Result<bool> step();
  // Steps to completion, for statements that return no rows.
  Status run();
  void reset();

  std::string text(int col) const;
  std::optional<std::string> text_or_null(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  bool is_null(int col) const;
  std::string_view text_view(int col) const;  // valid until the next step/reset

  sqlite3_stmt* raw() const { return st_; }

 private:
  friend class Db;
  Stmt(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* st_ = nullptr;
};

class Db {
 public:
  enum class Mode { kReadWrite, kReadWriteCreate, kReadOnly };

  // Opens PATH (":memory:" for an in-memory database) with foreign keys on,
  // WAL journal (file databases), a busy timeout and extended result codes.
  static Result<Db> open(const std::string& path, Mode mode);

  Db() = default;
  Db(Db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  Result<Stmt> prepare(std::string_view sql);
  // Runs one or more statements that return no rows.
  Status exec(std::string_view sql);
  // Runs a query expected to return one integer (e.g. PRAGMA user_version).
  Result<int64_t> scalar_int(std::string_view sql);
  int64_t changes() const;
  int64_t last_insert_rowid() const;
  sqlite3* raw() const { return db_; }

  // The Error for the connection's current failure, prefixed with WHAT.
  Error last_error(std::string_view what) const;

  // A failure after the data was committed, set by a hook run at commit (the
  // audit head's write), which then fails the commit: Transaction::commit()
  // reports this error rather than SQLite's, once.
  std::optional<Error> after_commit_error;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE on begin(); ROLLBACK in the destructor unless commit() ran.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_ = nullptr;
};

// Maps an SQLite result code to the contract's error kinds: a busy or locked
// database, a full disk, I/O and "not a database" are environment errors.
Error to_error(sqlite3* db, int rc, std::string_view what);

}  // namespace sfcohort::sql

#include "db/sqlite.hpp"

#include <cerrno>
#include <cstdlib>

namespace sfcohort::sql {

Error to_error(sqlite3* db, int rc, std::string_view what) {
  const int saved_errno = errno;
  const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string m = std::string(what) + ": ";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error(Errc::kEnvironment, m + "the database is locked by another process",
                   {"wait for the other sfcohort command to finish, then try again"});
    case SQLITE_FULL:
      return Error(Errc::kEnvironment, m + "the disk is full");
    case SQLITE_NOTADB:
      return Error(Errc::kEnvironment, m + "not an sfcohort database (file is not a database)");
    case SQLITE_CORRUPT:
      return Error(Errc::kEnvironment, m + "the database file is damaged (" + msg + ")");
    case SQLITE_READONLY:
      return Error(Errc::kEnvironment, m + "the database is read-only (" + msg + ")");
    case SQLITE_CANTOPEN:
      return Error(Errc::kEnvironment, m + "cannot open the database (" + msg + ")");
    case SQLITE_IOERR: {
      // SQLite does not always keep the errno of a failed write (EFBIG from a
      // file-size limit is reported as 0), so fall back to the global one.
      int e = db ? sqlite3_system_errno(db) : 0;
      if (e == 0) e = saved_errno;
      if (e == ENOSPC || e == EFBIG || e == EDQUOT) {
        return Error(Errc::kEnvironment, m + "the disk is full");
      }
      return Error(Errc::kEnvironment, m + "i/o error (" + msg + ")");
    }
    case SQLITE_PERM:
      return Error(Errc::kEnvironment, m + "i/o error (" + msg + ")");
    case SQLITE_CONSTRAINT:
      return Error(Errc::kInvalidInput, m + msg);
    default:
      return Error(Errc::kEnvironment, m + msg);
  }
}

namespace {

class SqliteStmt final : public StmtImpl {
 public:
  SqliteStmt(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
  ~SqliteStmt() override { sqlite3_finalize(st_); }
  void bind_text(int i, std::string_view v) override {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind_int64(int i, int64_t v) override { sqlite3_bind_int64(st_, i, v); }
  void bind_double(int i, double v) override { sqlite3_bind_double(st_, i, v); }
  void bind_null(int i) override { sqlite3_bind_null(st_, i); }
  void bind_blob(int i, const void* p, size_t n) override {
    sqlite3_bind_blob(st_, i, p, static_cast<int>(n), SQLITE_TRANSIENT);
  }
  Result<bool> step() override {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error e = to_error(db_, rc, "database");
    sqlite3_reset(st_);
    return e;
  }
  void rewind() override { sqlite3_reset(st_); }
  void reset() override {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  std::string_view text_view(int col) const override {
    const unsigned char* p = sqlite3_column_text(st_, col);
    if (!p) return {};
    return std::string_view(reinterpret_cast<const char*>(p),
                            static_cast<size_t>(sqlite3_column_bytes(st_, col)));
  }
  std::string_view blob(int col) const override {
    const void* p = sqlite3_column_blob(st_, col);
    if (!p) return {};
    return std::string_view(static_cast<const char*>(p),
                            static_cast<size_t>(sqlite3_column_bytes(st_, col)));
  }
  int64_t int64(int col) const override { return sqlite3_column_int64(st_, col); }
  double real(int col) const override { return sqlite3_column_double(st_, col); }
  bool is_null(int col) const override { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_;
};

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  ~SqliteConn() override { sqlite3_close_v2(db_); }
  Backend backend() const override { return Backend::kSqlite; }
  Result<std::unique_ptr<StmtImpl>> prepare(std::string_view sql) override {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) return to_error(db_, rc, "database");
    return std::unique_ptr<StmtImpl>(std::make_unique<SqliteStmt>(db_, st));
  }
  Status exec(std::string_view sql) override {
    std::string s(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) return to_error(db_, rc, "database");
    return Ok{};
  }
  int64_t changes() const override { return sqlite3_changes64(db_); }
  bool in_transaction() const override { return !sqlite3_get_autocommit(db_); }
  Status begin_write() override { return exec("BEGIN IMMEDIATE"); }
  Status begin_read() override { return exec("BEGIN"); }
  Status commit() override { return exec("COMMIT"); }
  Error last_error(std::string_view what) const override {
    return to_error(db_, sqlite3_extended_errcode(db_), what);
  }
  sqlite3* sqlite_handle() const override { return db_; }

 private:
  sqlite3* db_;
};

}  // namespace

Status Stmt::run() {
  for (;;) {
    auto r = step();
    if (!r) return std::move(r).error();
    if (!*r) break;
  }
  impl_->rewind();
  return Ok{};
}

std::unique_ptr<Conn> open_sqlite(const std::string& path, Db::Mode mode, Error& err) {
  // SQLite's memory statistics take one process-wide mutex on every
  // allocation, which the worker threads of a batch lookup then queue on; we
  // never read them. This must run before SQLite initialises, which the
  // first open does.
  static const int no_memstatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)no_memstatus;
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Db::Mode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Db::Mode::kReadWriteCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case Db::Mode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  auto conn = std::make_unique<SqliteConn>(raw);
  if (rc != SQLITE_OK) {
    err = to_error(raw, rc, path);
    return nullptr;
  }
  return conn;
}

Result<Db> Db::open(const std::string& path, Mode mode) {
  Error err;
  auto conn = open_sqlite(path, mode, err);
  if (!conn) return err;
  sqlite3* raw = conn->sqlite_handle();
  Db db(std::move(conn));
  sqlite3_extended_result_codes(raw, 1);
  // SFCOHORT_BUSY_TIMEOUT_MS: how long to wait for another writer (default 5 s).
  int busy_ms = 5000;
  if (const char* b = std::getenv("SFCOHORT_BUSY_TIMEOUT_MS"); b && *b) busy_ms = std::atoi(b);
  sqlite3_busy_timeout(raw, busy_ms);
  // Reading the schema here turns "file is not a database" into an error at
  // open, not at the first query.
  if (auto r = db.exec("PRAGMA foreign_keys = ON"); !r) return r.error().with_context(path);
  if (auto r = db.scalar_int("SELECT count(*) FROM sqlite_schema"); !r) {
    Error e = r.error();
    e.message = path + ": " + e.message.substr(e.message.find(": ") + 2);
    return e;
  }
  if (path != ":memory:" && mode != Mode::kReadOnly) {
    if (auto r = db.exec("PRAGMA journal_mode = WAL"); !r) return r.error().with_context(path);
    // Every command still checkpoints at close, so the database file alone
    // always holds everything committed (a copy of it is a full backup),
    // but the emptied -wal file is kept for the next command instead of
    // being deleted and created again: creating it costs a directory sync
    // and a metadata sync, a large share of a single lookup's time.
    // With a size limit, SQLite truncates the kept file to zero bytes after
    // that final checkpoint (and to the limit whenever it restarts the log
    // mid-command), so no command is left to read through a large log an
    // import wrote before it: recovering the index of a log with frames in
    // it means reading them all.
    int persist = 1;
    sqlite3_file_control(raw, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    if (auto r = db.exec("PRAGMA journal_size_limit = 4194304"); !r)
      return r.error().with_context(path);
  }
  if (auto r = db.exec("PRAGMA synchronous = NORMAL"); !r) return r.error().with_context(path);
  return db;
}

Result<Stmt> Db::prepare(std::string_view sql) {
  auto st = conn_->prepare(sql);
  if (!st) return st.error();
  return Stmt(std::move(*st));
}

Result<int64_t> Db::scalar_int(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return st.error();
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return int64_t{0};
  return st->int64(0);
}

Result<Transaction> Transaction::begin(Db& db) {
  if (auto r = db.conn().begin_write(); !r) return r.error();
  return Transaction(&db);
}

Result<Transaction> Transaction::begin_read(Db& db) {
  if (auto r = db.conn().begin_read(); !r) return r.error();
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  Db* db = db_;
  if (auto r = db->conn().commit(); !r) {
    if (db->after_commit_error) {
      db_ = nullptr;  // committed: nothing to roll back
      Error e = std::move(*db->after_commit_error);
      db->after_commit_error.reset();
      return e;
    }
    return r.error();  // destructor rolls back
  }
  db_ = nullptr;
  return Ok{};
}

}  // namespace sfcohort::sql

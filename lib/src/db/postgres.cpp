// The PostgreSQL side of the SQL layer (db/sql.hpp), over libpq. The SQL
// the rest of db/ writes for both backends is translated here: ?N
// placeholders become $N, and COLLATE NOCASE the schema's case-insensitive
// collation. A statement's first run sends its text with its parameters
// (one round trip); a second run prepares it on the server, and later runs
// only bind and execute. Results come back as text (bytea as hex, decoded
// on demand), whole, so statements can be interleaved as on SQLite.
#include <dlfcn.h>
#include <libpq-fe.h>

#include <strings.h>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "db/sql.hpp"

namespace sfcohort::sql {
namespace {

// libpq, loaded on the first connection to a server rather than linked:
// linked, it and the libraries it needs (OpenSSL, Kerberos, LDAP, GnuTLS)
// were relocated at the start of every command, a third of a single
// lookup's time on SQLite. The soname is the one of the headers built with.
constexpr const char* kLibpq = "libpq.so.5";

struct Libpq {
  decltype(&::PQclear) PQclear;
  decltype(&::PQcmdStatus) PQcmdStatus;
  decltype(&::PQcmdTuples) PQcmdTuples;
  decltype(&::PQconnectdb) PQconnectdb;
  decltype(&::PQconninfoFree) PQconninfoFree;
  decltype(&::PQconninfoParse) PQconninfoParse;
  decltype(&::PQerrorMessage) PQerrorMessage;
  decltype(&::PQexec) PQexec;
  decltype(&::PQexecParams) PQexecParams;
  decltype(&::PQexecPrepared) PQexecPrepared;
  decltype(&::PQfinish) PQfinish;
  decltype(&::PQfreemem) PQfreemem;
  decltype(&::PQgetCopyData) PQgetCopyData;
  decltype(&::PQgetResult) PQgetResult;
  decltype(&::PQgetisnull) PQgetisnull;
  decltype(&::PQgetlength) PQgetlength;
  decltype(&::PQgetvalue) PQgetvalue;
  decltype(&::PQntuples) PQntuples;
  decltype(&::PQprepare) PQprepare;
  decltype(&::PQputCopyData) PQputCopyData;
  decltype(&::PQputCopyEnd) PQputCopyEnd;
  decltype(&::PQresultErrorField) PQresultErrorField;
  decltype(&::PQresultStatus) PQresultStatus;
  decltype(&::PQsetNoticeProcessor) PQsetNoticeProcessor;
  decltype(&::PQstatus) PQstatus;
  decltype(&::PQtransactionStatus) PQtransactionStatus;
  decltype(&::PQuser) PQuser;
};

template <typename F>
bool bind(void* lib, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(lib, name));
  return out != nullptr;
}

const Libpq* load_libpq() {
  void* lib = dlopen(kLibpq, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return nullptr;
  static Libpq f;
  const bool ok =
      bind(lib, "PQclear", f.PQclear) && bind(lib, "PQcmdStatus", f.PQcmdStatus) &&
      bind(lib, "PQcmdTuples", f.PQcmdTuples) && bind(lib, "PQconnectdb", f.PQconnectdb) &&
      bind(lib, "PQconninfoFree", f.PQconninfoFree) &&
      bind(lib, "PQconninfoParse", f.PQconninfoParse) &&
      bind(lib, "PQerrorMessage", f.PQerrorMessage) && bind(lib, "PQexec", f.PQexec) &&
      bind(lib, "PQexecParams", f.PQexecParams) && bind(lib, "PQexecPrepared", f.PQexecPrepared) &&
      bind(lib, "PQfinish", f.PQfinish) && bind(lib, "PQfreemem", f.PQfreemem) &&
      bind(lib, "PQgetCopyData", f.PQgetCopyData) && bind(lib, "PQgetResult", f.PQgetResult) &&
      bind(lib, "PQgetisnull", f.PQgetisnull) && bind(lib, "PQgetlength", f.PQgetlength) &&
      bind(lib, "PQgetvalue", f.PQgetvalue) && bind(lib, "PQntuples", f.PQntuples) &&
      bind(lib, "PQprepare", f.PQprepare) && bind(lib, "PQputCopyData", f.PQputCopyData) &&
      bind(lib, "PQputCopyEnd", f.PQputCopyEnd) &&
      bind(lib, "PQresultErrorField", f.PQresultErrorField) &&
      bind(lib, "PQresultStatus", f.PQresultStatus) &&
      bind(lib, "PQsetNoticeProcessor", f.PQsetNoticeProcessor) &&
      bind(lib, "PQstatus", f.PQstatus) &&
      bind(lib, "PQtransactionStatus", f.PQtransactionStatus) && bind(lib, "PQuser", f.PQuser);
  return ok ? &f : nullptr;
}

const Libpq* libpq() {
  static const Libpq* const lib = load_libpq();
  return lib;
}

// Only after connect_postgres() found it loaded.
const Libpq& pq() { return *libpq(); }

constexpr Oid kText = 25, kInt8 = 20, kFloat8 = 701, kBytea = 17;

// The first line of a libpq message, without its severity ("FATAL:  ").
std::string first_line(const char* m) {
  std::string s = m ? m : "";
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  for (std::string_view sev : {"FATAL:  ", "ERROR:  "}) {
    if (s.rfind(sev, 0) == 0) s.erase(0, sev.size());
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

// The error for a failed statement: a refused privilege is a policy error
// (exit 5), a broken constraint bad input, a lost server an environment one.
Error pg_error(PGconn* c, const PGresult* r, std::string_view what) {
  const char* state = r ? pq().PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state ? state : "";
  std::string msg = first_line(r ? pq().PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr);
  if (msg.empty()) msg = first_line(pq().PQerrorMessage(c));
  std::string m = std::string(what) + ": ";
  if (code == "42501") {
    const char* user = pq().PQuser(c);
    if (msg == "permission denied for schema sfcohort" && user) {
      return Error(Errc::kPolicy,
                   m + "the database server refused: " + user +
                       " holds no sfcohort role in this database (" + msg + ")",
                   {"ask the team's database owner to grant one: 'sfcohort admin grant " +
                    std::string(user) + " --role officer|manager|auditor'"});
    }
    if (msg.find("for command \"init\"") != std::string::npos) {
      return Error(Errc::kPolicy, m + "the database server refused: " + msg,
                   {"'sfcohort init' (making or upgrading the schema) is the database owner's"});
    }
    return Error(Errc::kPolicy, m + "the database server refused: " + msg,
                 {"your database role may not do this; the team's database owner grants roles "
                  "with 'sfcohort admin grant USER --role officer|manager|auditor'"});
  }
  if (code.rfind("23", 0) == 0) return Error(Errc::kInvalidInput, m + msg);
  if (code == "40001" || code == "40P01" || code == "55P03") {
    return Error(Errc::kEnvironment, m + "the database is busy (" + msg + ")",
                 {"wait for the other sfcohort command to finish, then try again"});
  }
  if (code == "53100") return Error(Errc::kEnvironment, m + "the server's disk is full");
  if (pq().PQstatus(c) != CONNECTION_OK || code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0) {
    return Error(
        Errc::kEnvironment,
        m + "lost the connection to the database server" + (msg.empty() ? "" : " (" + msg + ")"),
        {"nothing more was written; check the server is running, then try again"});
  }
  return Error(Errc::kEnvironment, m + msg);
}

// ?N -> $N outside quoted text; " COLLATE NOCASE" -> the schema's nocase.
std::string translate(std::string_view sql, int& params) {
  std::string out;
  out.reserve(sql.size() + 16);
  params = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (quote) {
      if (ch == quote) quote = 0;
      out += ch;
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      int n = 0;
      out += '$';
      while (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
        n = n * 10 + (sql[i + 1] - '0');
        out += sql[++i];
      }
      if (n > params) params = n;
      continue;
    }
    static constexpr std::string_view kNocase = "COLLATE NOCASE";
    if ((ch == 'C' || ch == 'c') && sql.substr(i, kNocase.size()) == kNocase) {
      out += "COLLATE sfcohort.nocase";
      i += kNocase.size() - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

class PgConn;

class PgStmt final : public StmtImpl {
 public:
  PgStmt(PgConn* conn, std::string sql, int params)
      : conn_(conn),
        sql_(std::move(sql)),
        values_(static_cast<size_t>(params)),
        set_(static_cast<size_t>(params), false),
        types_(static_cast<size_t>(params), 0),
        formats_(static_cast<size_t>(params), 0) {}
  ~PgStmt() override { clear(); }

  void bind_text(int i, std::string_view v) override { put(i, std::string(v), kText, 0); }
  void bind_int64(int i, int64_t v) override { put(i, std::to_string(v), kInt8, 0); }
  void bind_double(int i, double v) override {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    put(i, buf, kFloat8, 0);
  }
  void bind_null(int i) override {
    if (i < 1 || i > static_cast<int>(set_.size())) return;
    set_[i - 1] = false;
    clear();
  }
  void bind_blob(int i, const void* p, size_t n) override {
    put(i, std::string(static_cast<const char*>(p), n), kBytea, 1);
  }
  Result<bool> step() override;
  void rewind() override { clear(); }
  void reset() override {
    clear();
    std::fill(set_.begin(), set_.end(), false);
  }
  std::string_view text_view(int col) const override {
    if (!res_ || pq().PQgetisnull(res_, row_, col)) return {};
    return {pq().PQgetvalue(res_, row_, col),
            static_cast<size_t>(pq().PQgetlength(res_, row_, col))};
  }
  std::string_view blob(int col) const override {
    std::string_view hex = text_view(col);
    if (hex.size() < 2 || hex[0] != '\\' || hex[1] != 'x') return {};
    if (blobs_.size() <= static_cast<size_t>(col)) blobs_.resize(static_cast<size_t>(col) + 1);
    std::string& out = blobs_[static_cast<size_t>(col)];
    out.resize((hex.size() - 2) / 2);
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<char>(hexval(hex[2 + 2 * i]) << 4 | hexval(hex[3 + 2 * i]));
    return out;
  }
  int64_t int64(int col) const override {
    std::string_view v = text_view(col);
    if (v == "t") return 1;
    if (v == "f" || v.empty()) return 0;
    return std::strtoll(std::string(v).c_str(), nullptr, 10);
  }
  double real(int col) const override {
    std::string_view v = text_view(col);
    return v.empty() ? 0.0 : std::strtod(std::string(v).c_str(), nullptr);
  }
  bool is_null(int col) const override { return !res_ || pq().PQgetisnull(res_, row_, col); }

 private:
  void put(int i, std::string v, Oid type, int format) {
    if (i < 1 || i > static_cast<int>(set_.size())) return;
    values_[i - 1] = std::move(v);
    set_[i - 1] = true;
    types_[i - 1] = type;
    formats_[i - 1] = format;
    clear();
  }
  void clear() {
    if (res_) pq().PQclear(res_);
    res_ = nullptr;
    row_ = -1;
  }
  PgConn* conn_;
  std::string sql_;
  std::string name_;  // set once prepared on the server
  int runs_ = 0;
  std::vector<std::string> values_;
  std::vector<bool> set_;
  std::vector<Oid> types_;
  std::vector<int> formats_;
  PGresult* res_ = nullptr;
  int row_ = -1;
  mutable std::vector<std::string> blobs_;
};

class PgConn final : public Conn {
 public:
  explicit PgConn(PGconn* c) : c_(c) {}
  ~PgConn() override {
    (void)join_later();
    pq().PQfinish(c_);
  }
  Backend backend() const override { return Backend::kPostgres; }
  std::string user() const override {
    const char* u = pq().PQuser(c_);
    return u ? u : "";
  }
  Result<std::unique_ptr<StmtImpl>> prepare(std::string_view sql) override {
    int params = 0;
    std::string text = translate(sql, params);
    return std::unique_ptr<StmtImpl>(std::make_unique<PgStmt>(this, std::move(text), params));
  }
  Status exec(std::string_view sql) override {
    // A rollback discards whatever a bulk writer still holds.
    if (sql != "ROLLBACK") {
      SF_TRY(before());
    } else {
      (void)join_later();  // what it sent is rolled back with the rest
    }
    int params = 0;
    const std::string text = translate(sql, params);
    PGresult* r = pq().PQexec(c_, text.c_str());
    Status s = check(r, "database");
    pq().PQclear(r);
    return s;
  }
  int64_t changes() const override {
    wait_later();
    return changes_;
  }
  bool in_transaction() const override {
    wait_later();
    return pq().PQtransactionStatus(c_) != PQTRANS_IDLE;
  }
  Status begin_write() override { return exec("BEGIN"); }
  Status begin_read() override { return exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  Status commit() override {
    SF_TRY(before());
    PGresult* r = pq().PQexec(c_, "COMMIT");
    Status s = check(r, "database");
    // COMMIT of a transaction a statement failed in rolls back, and says so
    // only in its command tag.
    if (s && std::strcmp(pq().PQcmdStatus(r), "ROLLBACK") == 0) {
      s = Error(Errc::kEnvironment, "database: the transaction was rolled back, nothing written");
    }
    pq().PQclear(r);
    return s;
  }
  Error last_error(std::string_view what) const override {
    wait_later();
    return pg_error(c_, nullptr, what);
  }

  // OK for a result that succeeded (recording how many rows it changed).
  Status check(PGresult* r, std::string_view what) {
    const auto st = r ? pq().PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
      const char* n = pq().PQcmdTuples(r);
      changes_ = n && *n ? std::strtoll(n, nullptr, 10) : 0;
      return Ok{};
    }
    return pg_error(c_, r, what);
  }
  PGconn* raw() { return c_; }
  std::string next_name() { return "sf" + std::to_string(++names_); }

  Status copy_out(std::string_view query, const std::function<bool(const CopyRow&)>& row) override;
  Status copy_in(std::string_view copy_sql, std::string_view data) override;
  Status copy_in_later(Copies copies) override;
  void set_before_statement(std::function<Status()> hook) override { before_ = std::move(hook); }
  // Waits for what copy_in_later() sends; then runs the before-statement
  // hook, unless it is what is running.
  Status before() {
    SF_TRY(join_later());
    if (!before_ || in_before_) return Ok{};
    in_before_ = true;
    Status s = before_();
    in_before_ = false;
    return s;
  }

 private:
  // The end of a COPY: its final result (an error, if the server sent one),
  // and any after it, so the connection is ready for the next statement.
  Status finish_copy(std::string_view what) {
    Status s = Ok{};
    while (PGresult* r = pq().PQgetResult(c_)) {
      if (s) s = check(r, what);
      pq().PQclear(r);
    }
    return s;
  }
  // Starts a COPY statement: OK when the server is ready for its data.
  Status start_copy(const std::string& text, ExecStatusType want) {
    PGresult* r = pq().PQexec(c_, text.c_str());
    const bool started = r && pq().PQresultStatus(r) == want;
    Status s = started ? Status(Ok{}) : check(r, "database");
    if (s && !started) s = internal_error("database: COPY did not start");
    pq().PQclear(r);
    return s;
  }

  // The end of what copy_in_later() sends: its first error, if any.
  Status join_later() {
    if (!later_.joinable()) return Ok{};
    wait_later();
    Status s = std::move(later_status_);
    later_status_ = Ok{};
    return s;
  }
  // The thread gone, its status kept for the next before().
  void wait_later() const {
    if (later_.joinable()) later_.join();
  }
  // COPY_SQL and DATA sent, and its result read, without the hook.
  Status send_copy(const std::string& copy_sql, std::string_view data);

  PGconn* c_;
  mutable std::thread later_;  // sending copy_in_later()'s rows, the connection its own
  Status later_status_ = Ok{};
  std::function<Status()> before_;
  bool in_before_ = false;
  int64_t changes_ = 0;
  int names_ = 0;
};

// Binary COPY starts with a signature, flags and an extension area; it ends
// with a tuple count of -1. Both come inside the messages of the tuples.
constexpr std::string_view kCopySignature("PGCOPY\n\377\r\n\0", 11);

Status PgConn::copy_out(std::string_view query, const std::function<bool(const CopyRow&)>& row) {
  SF_TRY(before());
  int params = 0;
  SF_TRY(start_copy("COPY (" + translate(query, params) + ") TO STDOUT (FORMAT binary)",
                    PGRES_COPY_OUT));
  bool header = true, reading = true;
  Status bad = Ok{};
  CopyRow r;
  for (;;) {
    char* buf = nullptr;
    const int n = pq().PQgetCopyData(c_, &buf, 0);
    if (n < 0) break;  // -1 done, -2 failed: the result says which
    std::string_view msg(buf, static_cast<size_t>(n));
    if (header && msg.size() >= 19 && msg.substr(0, 11) == kCopySignature) {
      const auto ext = static_cast<size_t>(static_cast<unsigned char>(msg[15])) << 24 |
                       static_cast<size_t>(static_cast<unsigned char>(msg[16])) << 16 |
                       static_cast<size_t>(static_cast<unsigned char>(msg[17])) << 8 |
                       static_cast<unsigned char>(msg[18]);
      msg.remove_prefix(std::min(msg.size(), 19 + ext));
      header = false;
    }
    const bool trailer = msg.size() == 2 && msg[0] == '\xff' && msg[1] == '\xff';
    if (reading && !msg.empty() && !trailer) {
      if (!r.parse(msg)) {
        bad = internal_error("database: a COPY row the server sent could not be read");
        reading = false;
      } else if (!row(r)) {
        reading = false;  // the rest is read and dropped: the connection stays usable
      }
    }
    pq().PQfreemem(buf);
  }
  Status s = finish_copy("database");
  if (!s) return s;
  return bad;
}

Status PgConn::copy_in(std::string_view copy_sql, std::string_view data) {
  SF_TRY(before());
  return send_copy(std::string(copy_sql), data);
}

Status PgConn::copy_in_later(Copies copies) {
  SF_TRY(before());
  // The thread alone uses the connection until before() joins it.
  later_ = std::thread([this, copies = std::move(copies)] {
    for (const auto& [copy_sql, data] : copies) {
      later_status_ = send_copy(copy_sql, data);
      if (!later_status_) return;
    }
  });
  return Ok{};
}

Status PgConn::send_copy(const std::string& copy_sql, std::string_view data) {
  SF_TRY(start_copy(copy_sql, PGRES_COPY_IN));
  constexpr size_t kPiece = 1 << 20;
  bool sent = true;
  for (size_t at = 0; at < data.size() && sent; at += kPiece) {
    const size_t n = std::min(kPiece, data.size() - at);
    sent = pq().PQputCopyData(c_, data.data() + at, static_cast<int>(n)) == 1;
  }
  // A failed send still ends the COPY, so its error comes back as a result.
  (void)pq().PQputCopyEnd(c_, sent ? nullptr : "sending the rows failed");
  return finish_copy("database");
}

Result<bool> PgStmt::step() {
  if (res_) {
    ++row_;
    return row_ < pq().PQntuples(res_);
  }
  SF_TRY(conn_->before());
  const int n = static_cast<int>(values_.size());
  std::vector<const char*> vals(static_cast<size_t>(n));
  std::vector<int> lens(static_cast<size_t>(n));
  std::vector<Oid> types(static_cast<size_t>(n));
  for (size_t i = 0; i < vals.size(); ++i) {
    vals[i] = set_[i] ? values_[i].data() : nullptr;
    lens[i] = static_cast<int>(values_[i].size());
    types[i] = set_[i] ? types_[i] : 0;
  }
  PGconn* c = conn_->raw();
  PGresult* r = nullptr;
  if (name_.empty() && ++runs_ >= 2) {
    // Run again: worth a server-side plan.
    std::string name = conn_->next_name();
    PGresult* p = pq().PQprepare(c, name.c_str(), sql_.c_str(), n, types.data());
    Status ok = conn_->check(p, "database");
    pq().PQclear(p);
    if (!ok) return ok.error();
    name_ = std::move(name);
  }
  if (name_.empty()) {
    r = pq().PQexecParams(c, sql_.c_str(), n, types.data(), vals.data(), lens.data(),
                          formats_.data(), 0);
  } else {
    r = pq().PQexecPrepared(c, name_.c_str(), n, vals.data(), lens.data(), formats_.data(), 0);
  }
  if (Status ok = conn_->check(r, "database"); !ok) {
    pq().PQclear(r);
    return ok.error();
  }
  res_ = r;
  row_ = 0;
  return pq().PQntuples(res_) > 0;
}

// The connection string with any password taken out, for messages.
std::string redact(const std::string& conninfo) {
  std::string s = conninfo;
  if (auto scheme = s.find("://"); scheme != std::string::npos) {
    const size_t at = s.find('@', scheme + 3);
    const size_t colon = s.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      s.replace(colon, at - colon, ":***");
    }
  }
  // password=..., in the URI's query or libpq's key = value form (spaces
  // around '=', the value perhaps quoted).
  for (size_t p = s.find("password"); p != std::string::npos; p = s.find("password", p + 1)) {
    size_t i = p + 8;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size() || s[i] != '=') continue;
    ++i;
    while (i < s.size() && s[i] == ' ') ++i;
    size_t e = i;
    if (e < s.size() && s[e] == '\'') {
      for (++e; e < s.size() && s[e] != '\''; ++e) {
        if (s[e] == '\\') ++e;
      }
      if (e < s.size()) ++e;
    } else {
      while (e < s.size() && s[e] != ' ' && s[e] != '&') ++e;
    }
    s.replace(i, e - i, "***");
  }
  return s;
}

Error connect_error(const std::string& what, const std::string& why) {
  std::vector<std::string> hints;
  if (why.find("password authentication failed") != std::string::npos ||
      why.find("no password supplied") != std::string::npos) {
    hints.push_back(
        "the password comes from ~/.pgpass (or PGPASSFILE), never from the command line; "
        "check the entry for this server and user");
  } else if (why.find("could not translate host name") != std::string::npos) {
    hints.push_back("check the server's host name (and the machine's network and DNS)");
  } else if (why.find("invalid") != std::string::npos || why.find("missing") != std::string::npos) {
    hints.push_back(
        "name the database as postgresql://[user@]host[:port]/dbname, or as postgres: followed "
        "by libpq's key=value form");
  } else if (why.find("does not exist") != std::string::npos) {
    hints.push_back("check the name; users and databases are made by the server's administrator");
  } else {
    hints.push_back("check the server is running and that the host and port are right");
  }
  Error e(Errc::kEnvironment, what + ": cannot connect to the database server (" + why + ")",
          std::move(hints));
  e.subject = Error::Subject::kDatabaseName;
  return e;
}

}  // namespace

Result<Db> Db::connect_postgres(const std::string& conninfo, const std::string& what) {
  std::string info = conninfo;
  // "postgres:" before libpq's keyword form; a URI is given to libpq as is.
  if (strncasecmp(info.c_str(), "postgres:", 9) == 0 && info.compare(9, 2, "//") != 0) {
    info = info.substr(9);
  }
  const std::string shown = redact(what);
  if (!libpq()) {
    return Error(Errc::kEnvironment,
                 shown + ": PostgreSQL's client library " + kLibpq + " could not be loaded",
                 {"install it (Debian: apt-get install libpq5)"});
  }
  char* err = nullptr;
  PQconninfoOption* opts = pq().PQconninfoParse(info.c_str(), &err);
  if (!opts) {
    std::string why = first_line(err ? err : "not a connection string");
    if (err) pq().PQfreemem(err);
    Error e(Errc::kEnvironment, shown + ": not a PostgreSQL connection string (" + why + ")",
            {"name the database as postgresql://[user@]host[:port]/dbname, or as postgres: "
             "followed by libpq's key=value form"});
    e.subject = Error::Subject::kDatabaseName;
    return e;
  }
  // A password in the connection string would sit in the shell's history,
  // the process list and the environment: libpq's password file or a client
  // certificate keep it.
  bool has_password = false;
  for (const PQconninfoOption* o = opts; o->keyword; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val && *o->val) has_password = true;
  }
  pq().PQconninfoFree(opts);
  if (has_password) {
    Error e(Errc::kEnvironment, shown + ": the connection string holds a password",
            {"remove it: keep it in ~/.pgpass (or the file PGPASSFILE names, mode 0600), or "
             "use a client certificate"});
    e.subject = Error::Subject::kDatabaseName;
    return e;
  }
  PGconn* c = pq().PQconnectdb(info.c_str());
  if (!c) return Error(Errc::kEnvironment, shown + ": out of memory connecting");
  auto conn = std::make_unique<PgConn>(c);
  // The server's notices (a GRANT that changed nothing) are not ours to print.
  pq().PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  if (pq().PQstatus(c) != CONNECTION_OK) {
    std::string why = pq().PQerrorMessage(c);
    // libpq's message starts with where it tried; the server's reason, if
    // it gave one, is after it. Without one, where it tried is kept: the
    // socket or host and port, and what failed there.
    if (auto p = why.find("FATAL:  "); p != std::string::npos) why = why.substr(p + 8);
    return connect_error(shown, first_line(why.c_str()));
  }
  Db db(std::move(conn));
  if (auto r = db.exec("SET search_path = sfcohort, pg_catalog; SET client_min_messages = warning;"
                       " SET client_encoding = 'UTF8'");
      !r) {
    return r.error().with_context(shown);
  }
  return db;
}

}  // namespace sfcohort::sql

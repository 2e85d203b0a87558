#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pwd.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "db/audit_internal.hpp"
#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {
namespace audit {
namespace {

constexpr const char* kKeyFile = "audit.key";

std::string genesis(const std::string& key, const std::string& db_id) {
  return to_hex(hmac_sha256(key, "sfcohort audit genesis " + db_id));
}

// The operating-system user running this process: the login name of the
// effective uid, or "uid N" when it has none.
std::string os_user_name() {
  const uid_t uid = ::geteuid();
  std::vector<char> buf(4096);
  struct passwd pw {};
  struct passwd* found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found && pw.pw_name) {
    return pw.pw_name;
  }
  return "uid " + std::to_string(uid);
}

// The path a database is registered under: absolute, links resolved.
std::string registered_path(const std::string& db_path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(db_path, ec), ec);
  return ec ? db_path : p.string();
}

// KEYS/audit-databases: one line "ID PATH" for each database whose trail
// was started with these keys, in the order they were made. Written only
// with the key folder, so someone holding just the database cannot make
// its id agree.
std::string registry_path(const std::string& keys_dir) { return keys_dir + "/audit-databases"; }

Status register_database(const std::string& keys_dir, const std::string& db_id,
                         const std::string& db_path) {
  const std::string path = registry_path(keys_dir);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error(path, "cannot record the database");
  const std::string line = db_id + " " + registered_path(db_path) + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return errno_error(path, "cannot record the database");
  return Ok{};
}

}  // namespace

namespace {

// A JSON string as nlohmann::json::dump() writes it (UTF-8 kept; '"', '\',
// and control characters escaped, the short forms where JSON has them,
// otherwise \u00xx): the canonical text must stay byte for byte what older
// versions MAC'd, and this runs a million times in a verify.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char ch : s) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (ch < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  out += '"';
}

}  // namespace

std::string canonical(int64_t seq, std::string_view at, std::string_view actor,
                      std::string_view command, std::string_view purpose, std::string_view subject,
                      std::string_view detail, std::string_view os_user) {
  std::string out;
  out.reserve(64 + at.size() + actor.size() + command.size() + purpose.size() + subject.size() +
              detail.size() + os_user.size());
  out += '[';
  out += std::to_string(seq);
  for (std::string_view f : {at, actor, command, purpose, subject, detail}) {
    out += ',';
    append_json_string(out, f);
  }
  if (!os_user.empty()) {  // entries made before migration 5 have none
    out += ',';
    append_json_string(out, os_user);
  }
  out += ']';
  return out;
}

namespace {

std::string entry_mac(const std::string& key, const std::string& prev_mac,
                      const std::string& text) {
  return to_hex(hmac_sha256(key, prev_mac + "\n" + text));
}

std::optional<Head> read_head(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  Head h;
  char mac[129] = {0};
  long long seq = 0;
  if (std::sscanf(text->c_str(), "%lld %128s", &seq, mac) != 2) return std::nullopt;
  h.seq = seq;
  h.mac = mac;
  return h;
}

// The head record: the sequence number in 20 digits, so every record has
// the same length and the file can be overwritten in place.
std::string head_record(int64_t seq, const std::string& mac) {
  char num[24];
  std::snprintf(num, sizeof num, "%020lld", static_cast<long long>(seq));
  return std::string(num) + " " + mac + "\n";
}

// Writes the head file unless it already records a newer entry (another
// process may have committed after us and written first). A lock file
// serialises writers. A file already holding a record of the same length is
// overwritten in place: one write of under a hundred bytes at offset 0 (within
// one sector, so it lands whole) and a data sync, which costs far less than
// creating, syncing and renaming a new file after every command. Otherwise
// (the first write, or a file from an older version) it is replaced
// atomically.
// The head was not written: the change is committed, but the trail's end
// is not recorded where verify looks for it.
Error head_error(const std::string& path, const std::string& why) {
  return Error(
      Errc::kEnvironment,
      "the change was saved, but the audit head " + path + " could not be written (" + why + ")",
      {"fix the key folder (space, permissions), then run 'sfcohort audit verify'"});
}

Status write_head(const Chain& c, int64_t seq, const std::string& mac) {
  const std::string path = head_path(c.keys_dir, c.db_id);
  const std::string lock = c.keys_dir + "/audit-" + c.db_id + ".lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return head_error(path, errno_error(lock, "cannot open").message);
  ::flock(fd, LOCK_EX);
  auto cur = read_head(path);
  if (!cur && seq == 1 && !c.db_path.empty()) {
    // The trail's first entry (init): bind the database's id to its path.
    if (auto r = register_database(c.keys_dir, c.db_id, c.db_path); !r) {
      ::flock(fd, LOCK_UN);
      ::close(fd);
      return head_error(path, r.error().message);
    }
  }
  if (!cur || cur->seq < seq) {
    const std::string rec = head_record(seq, mac);
    bool done = false;
    int hf = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (hf >= 0) {
      struct stat st {};
      if (::fstat(hf, &st) == 0 && S_ISREG(st.st_mode) &&
          st.st_size == static_cast<off_t>(rec.size())) {
        done = ::pwrite(hf, rec.data(), rec.size(), 0) == static_cast<ssize_t>(rec.size()) &&
               ::fdatasync(hf) == 0;
      }
      ::close(hf);
    }
    if (!done) {
      if (auto w = write_file_atomic(path, rec, 0600); !w) {
        ::flock(fd, LOCK_UN);
        ::close(fd);
        return head_error(path, w.error().message);
      }
    }
  }
  ::flock(fd, LOCK_UN);
  ::close(fd);
  return Ok{};
}

// Called by SQLite after a commit in WAL mode. Setting a WAL hook replaces
// SQLite's automatic checkpoint, so do that here too.
int on_wal_commit(void* arg, sqlite3* db, const char* name, int pages) {
  auto* c = static_cast<Chain*>(arg);
  int rc = SQLITE_OK;
  if (c->pending_seq > 0) {
    if (auto w = write_head(*c, c->pending_seq, c->pending_mac); !w) {
      // Returning an error fails the COMMIT statement (the data stays
      // committed), and Transaction::commit() reports this message.
      c->db->after_commit_error = w.error();
      rc = SQLITE_IOERR;
    }
    c->pending_seq = 0;
    c->pending_mac.clear();
  }
  if (pages >= 1000)
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  return rc;
}

void on_rollback(void* arg) {
  auto* c = static_cast<Chain*>(arg);
  c->pending_seq = 0;
  c->pending_mac.clear();
}

}  // namespace

std::string head_path(const std::string& keys_dir, const std::string& db_id) {
  return keys_dir + "/audit-" + db_id + ".head";
}

Result<std::string> load_key(const std::string& keys_dir) {
  const std::string path = keys_dir + "/" + kKeyFile;
  if (!file_exists(path)) {
    return Error(
        Errc::kCrypto, "no audit key: " + path + " is missing",
        {"run 'sfcohort init' to create one, or set SFCOHORT_KEYS to the team's key folder"});
  }
  SF_TRY(check_not_exposed(path, 077, "the audit key"));
  auto text = read_file(path);
  if (!text) return Error(Errc::kCrypto, text.error().message);
  std::string hex;
  for (char ch : *text) {
    if (ch != '\n' && ch != '\r' && ch != ' ') hex += ch;
  }
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Error(Errc::kCrypto, path + ": not an audit key (expected 64 hex digits)");
  }
  std::string raw(32, '\0');
  for (size_t i = 0; i < 32; ++i)
    raw[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return raw;
}

Status attach(Chain& c, sql::Db& db, std::string keys_dir, std::string db_id, bool memory,
              std::string key) {
  if (db_id.size() != 32 || db_id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Error(Errc::kEnvironment,
                 "the database's id '" + db_id.substr(0, 40) +
                     "' is not the 32 hex digits sfcohort made: the database has been altered",
                 {"restore the database from a backup, and tell the information-governance lead"});
  }
  c.db = &db;
  c.keys_dir = std::move(keys_dir);
  c.db_id = std::move(db_id);
  c.memory = memory;
  c.key = std::move(key);
  if (!memory && db.sqlite_handle()) {
    sqlite3_wal_hook(db.sqlite_handle(), on_wal_commit, &c);
    sqlite3_rollback_hook(db.sqlite_handle(), on_rollback, &c);
  }
  return Ok{};
}

Status flush_head(Chain& c) {
  if (c.memory || c.pending_seq <= 0) return Ok{};
  auto w = write_head(c, c.pending_seq, c.pending_mac);
  c.pending_seq = 0;
  c.pending_mac.clear();
  return w;
}

void detach(Chain& c, sql::Db& db) {
  if (!c.memory && db && db.sqlite_handle()) {
    sqlite3_wal_hook(db.sqlite_handle(), nullptr, nullptr);
    sqlite3_rollback_hook(db.sqlite_handle(), nullptr, nullptr);
  }
}

namespace {

// On PostgreSQL the server appends: audit_append() (schema/pg/0005) locks
// the head row, so concurrent clients append in one order, and makes the MAC
// with the key it keeps; actor and os_user are the authenticated user. An
// entry that discloses people is appended by audit_append_disclosed()
// (schema/pg/0013), which also writes the rows and records their keyed
// digest, made with that key, as the client does on SQLite.
Status append_on_server(Store& store, const std::string& subject, const nlohmann::json& detail,
                        std::vector<Disclosure>* disclosed) {
  const bool disclosing = disclosed && !disclosed->empty();
  const nlohmann::json with = detail.is_null() ? nlohmann::json::object() : detail;
  const Context& ctx = store.context();
  if (!disclosing) {
    auto st = db::cached(store, "SELECT audit_append(?1, ?2, ?3, ?4)");
    if (!st) return st.error();
    (*st)->bind(1, ctx.command).bind(2, ctx.purpose).bind(3, subject).bind(4, with.dump());
    SF_TRY((*st)->run());
    return Ok{};
  }
  unique_disclosures(*disclosed);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& d : *disclosed) rows.push_back({d.person_id, d.partner, d.family_id});
  auto st = db::cached(store, "SELECT audit_append_disclosed(?1, ?2, ?3, ?4, ?5)");
  if (!st) return st.error();
  (*st)->bind(1, ctx.command).bind(2, ctx.purpose).bind(3, subject).bind(4, with.dump());
  (*st)->bind(5, rows.dump());
  SF_TRY((*st)->run());
  return Ok{};
}

}  // namespace

Status append(Chain& c, Store& store, const std::string& subject, const nlohmann::json& detail,
              std::vector<Disclosure>* disclosed) {
  if (db::connection(store).postgres()) {
    return append_on_server(store, subject, detail, disclosed);
  }
  if (c.key.empty()) {
    auto k = load_key(c.keys_dir);
    if (!k) return k.error();
    c.key = *k;
  }
  sql::Db& db = db::connection(store);
  std::optional<sql::Transaction> tx;
  if (!db.in_transaction()) {
    auto t = sql::Transaction::begin(db);
    if (!t) return t.error();
    tx.emplace(std::move(*t));
  }
  auto last = db::cached(store, "SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1");
  if (!last) return last.error();
  auto r = (*last)->step();
  if (!r) return r.error();
  int64_t seq = 1;
  std::string prev = genesis(c.key, c.db_id);
  if (*r) {
    seq = (*last)->int64(0) + 1;
    prev = (*last)->text(1);
  }
  (*last)->reset();
  const Context& ctx = store.context();
  if (c.os_user.empty()) c.os_user = os_user_name();
  if (c.db_path.empty()) c.db_path = ctx.db_path;
  const std::string at = Store::now_utc();
  const bool disclosing = disclosed && !disclosed->empty();
  nlohmann::json with = detail.is_null() ? nlohmann::json::object() : detail;
  if (disclosing) {
    const DisclosureSum sum = prepare_disclosures(c.key, seq, *disclosed);
    with["disclosed"] = {{"people", sum.people}, {"digest", sum.hex()}};
  }
  const std::string d = with.dump();
  const std::string mac = entry_mac(
      c.key, prev, canonical(seq, at, ctx.actor, ctx.command, ctx.purpose, subject, d, c.os_user));
  auto ins = db::cached(store,
                        "INSERT INTO audit(seq, at, actor, command, purpose, subject, detail, "
                        "prev_mac, mac, os_user) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!ins) return ins.error();
  (*ins)->bind(1, seq).bind(2, at).bind(3, ctx.actor).bind(4, ctx.command).bind(5, ctx.purpose);
  (*ins)->bind(6, subject).bind(7, d).bind(8, prev).bind(9, mac).bind(10, c.os_user);
  SF_TRY((*ins)->run());
  if (disclosing) SF_TRY(insert_disclosures(store, seq, *disclosed));
  c.pending_seq = seq;
  c.pending_mac = mac;
  if (tx) return tx->commit();
  return Ok{};
}

}  // namespace audit

Result<std::vector<AuditEntry>> audit_entries(Store& store, const AuditFilter& f) {
  auto st = db::connection(store).prepare(
      "SELECT seq, at, actor, command, purpose, subject, detail, os_user FROM audit "
      "WHERE (CAST(?1 AS TEXT) IS NULL OR at >= ?1) "
      "AND (CAST(?2 AS TEXT) IS NULL OR substr(at, 1, 10) <= ?2) "
      "AND (CAST(?3 AS TEXT) IS NULL OR actor = ?3 COLLATE NOCASE OR os_user = ?3 COLLATE NOCASE) "
      "AND (CAST(?4 AS TEXT) IS NULL OR command = ?4 OR "
      "substr(command, 1, length(?4) + 1) = ?4 || ' ') "
      "AND (CAST(?5 AS TEXT) IS NULL OR subject = ?5 OR detail LIKE ?6 ESCAPE '\\' OR seq IN "
      "(SELECT audit_seq FROM disclosure WHERE person_id = ?5)) "
      "AND (CAST(?7 AS TEXT) IS NULL OR subject = ?7 OR detail LIKE ?8 ESCAPE '\\' OR seq IN "
      "(SELECT audit_seq FROM disclosure WHERE family_id = ?7)) "
      "ORDER BY seq");
  if (!st) return st.error();
  st->bind(1, f.since).bind(2, f.until).bind(3, f.actor).bind(4, f.action);
  // The id as a JSON string ("P000001"), so P000001 does not find P0000012;
  // LIKE's wildcards in it are escaped.
  auto quoted = [](const std::optional<std::string>& id) -> std::optional<std::string> {
    if (!id) return std::nullopt;
    std::string pat = "%";
    for (char ch : nlohmann::json(*id).dump()) {
      if (ch == '%' || ch == '_' || ch == '\\') pat += '\\';
      pat += ch;
    }
    return pat + "%";
  };
  st->bind(5, f.person).bind(6, quoted(f.person)).bind(7, f.family).bind(8, quoted(f.family));
  std::vector<AuditEntry> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    AuditEntry e;
    e.seq = st->int64(0);
    e.at = st->text(1);
    e.actor = st->text(2);
    e.command = st->text(3);
    e.purpose = st->text(4);
    e.subject = st->text(5);
    e.detail = nlohmann::json::parse(st->text(6), nullptr, false);
    if (e.detail.is_discarded()) e.detail = st->text(6);
    e.os_user = st->text(7);
    out.push_back(std::move(e));
  }
  return out;
}

namespace audit {

Digest32 root_start(const std::string& db_id) {
  Sha256 h;
  h.update("sfcohort audit root\n" + db_id);
  return h.finish();
}

namespace {

// The key and head a PostgreSQL server keeps (readable by its owner and the
// auditors only).
Result<std::string> server_key(Store& store, std::optional<Head>& head) {
  auto k = db::connection(store).prepare("SELECT key FROM audit_key");
  if (!k) return k.error();
  auto r = k->step();
  if (!r) return r.error();
  if (!*r) return Error(Errc::kCrypto, "the database holds no audit key: it has been altered");
  std::string key(k->blob(0));
  auto h = db::connection(store).prepare("SELECT seq, mac FROM audit_head");
  if (!h) return h.error();
  auto hr = h->step();
  if (!hr) return hr.error();
  if (*hr) head = Head{h->int64(0), h->text(1)};
  return key;
}

}  // namespace

Result<Walk> walk(Store& store, const std::vector<int64_t>& root_sizes) {
  const Context& ctx = store.context();
  const bool server = db::connection(store).postgres();
  std::optional<Head> server_head;
  auto key = server ? server_key(store, server_head) : load_key(ctx.keys_dir);
  if (!key) return key.error();
  auto st = db::connection(store).prepare(
      "SELECT seq, at, actor, command, purpose, subject, detail, prev_mac, mac, os_user "
      "FROM audit ORDER BY seq");
  if (!st) return st.error();
  Walk w;
  AuditCheck& out = w.check;
  w.head = server ? server_head : read_head(head_path(ctx.keys_dir, store.database_id()));
  if (w.head) w.head_seq = w.head->seq;
  std::string prev = genesis(*key, store.database_id());
  Digest32 root = root_start(store.database_id());
  int64_t expect = 1;
  auto fail = [&out](int64_t seq, std::string why) {
    if (!out.intact) return;
    out.intact = false;
    out.first_bad = seq;
    out.problem = std::move(why);
  };
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    const int64_t seq = st->int64(0);
    ++out.entries;
    const std::string text =
        canonical(seq, st->text_view(1), st->text_view(2), st->text_view(3), st->text_view(4),
                  st->text_view(5), st->text_view(6), st->text_view(9));
    // The keyless digest chain the checkpoints commit to.
    const Digest32 d = sha256(text);
    uint64_t d8 = 0;
    for (int i = 0; i < 8; ++i) d8 = (d8 << 8) | d[i];
    w.d8.push_back(d8);
    root = sha256(std::string_view(reinterpret_cast<const char*>(root.data()), root.size()),
                  std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
    for (int64_t want : root_sizes) {
      if (want == out.entries) w.roots[want] = root;
    }
    if (!out.intact) continue;
    if (seq != expect) {
      fail(expect, seq > expect ? "entry " + std::to_string(expect) + " is missing (deleted)"
                                : "entry " + std::to_string(seq) + " is out of order");
      continue;
    }
    if (seq == 1 && st->text_view(3) != "init") {
      fail(1, "the trail does not start with its init entry (entry 1 is '" + st->text(3) + "')");
      continue;
    }
    std::string mac = st->text(8);
    if (st->text_view(7) != prev || !equal_constant_time(entry_mac(*key, prev, text), mac)) {
      fail(seq, "entry " + std::to_string(seq) + " has been altered or inserted");
      continue;
    }
    if (seq == w.head_seq) w.mac_at_head = mac;
    note_disclosures(w, seq, st->text_view(6));
    prev = std::move(mac);
    ++expect;
  }
  if (out.entries == 0) {
    fail(1, "the trail is empty: it does not start with its init entry (entries removed)");
  }
  w.roots[0] = root_start(store.database_id());
  w.roots[out.entries] = root;
  if (!out.intact) return w;
  check_head(store, w);
  if (out.intact && !server) check_registry(store, w);
  // On PostgreSQL, each entry's count of disclosure rows.
  if (out.intact) SF_TRY(check_disclosures(store, w, *key));
  return w;
}

void check_head(Store& store, Walk& w) {
  const Context& ctx = store.context();
  AuditCheck& out = w.check;
  const std::string hp = head_path(ctx.keys_dir, store.database_id());
  const auto& head = w.head;
  const int64_t last = out.entries;
  auto fail = [&out](int64_t seq, std::string why) {
    out.intact = false;
    out.first_bad = seq;
    out.problem = std::move(why);
  };
  if (!head) {
    // On PostgreSQL the head is the server's row (audit_head).
    const std::string what = db::connection(store).postgres() ? "the server's audit head row"
                                                              : "the audit head file " + hp;
    return fail(1,
                what + " is missing, so a cut-off tail or a replaced database cannot be ruled out");
  }
  if (head->seq > last) {
    return fail(last + 1, "entries " + std::to_string(last + 1) + " to " +
                              std::to_string(head->seq) +
                              " have been removed from the end of the trail");
  }
  if (head->seq >= 1 && !equal_constant_time(w.mac_at_head, head->mac)) {
    return fail(head->seq,
                "entry " + std::to_string(head->seq) + " does not match the recorded head");
  }
  if (head->seq < last) {
    out.notes.push_back("the head file records entry " + std::to_string(head->seq) + " of " +
                        std::to_string(last) + " (a command was interrupted after committing)");
  }
}

void check_registry(Store& store, Walk& w) {
  const Context& ctx = store.context();
  auto text = read_file(registry_path(ctx.keys_dir));
  if (!text) {
    w.check.notes.push_back("no database is registered beside the keys (made by an older version)");
    return;
  }
  const std::string here = registered_path(ctx.db_path);
  std::string last_here, where_id;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    const std::string line = text->substr(pos, nl - pos);
    pos = nl + 1;
    const size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    const std::string id = line.substr(0, sp), path = line.substr(sp + 1);
    if (path == here) last_here = id;
    if (id == store.database_id()) where_id = path;
  }
  if (!last_here.empty() && last_here != store.database_id()) {
    w.check.intact = false;
    w.check.first_bad = 1;
    w.check.problem = "the database at " + here + " was created as database " + last_here +
                      " but now says " + store.database_id() +
                      ": its id was replaced, or another database put in its place";
  } else if (where_id.empty()) {
    w.check.notes.push_back("database " + store.database_id() +
                            " is not registered beside these keys");
  } else if (where_id != here) {
    w.check.notes.push_back("the database was created at " + where_id + " and has moved");
  }
}

}  // namespace audit

Result<bool> ensure_audit_key(const std::string& keys_dir) {
  SF_TRY(make_dirs(keys_dir, 0700));
  const std::string path = keys_dir + "/audit.key";
  if (file_exists(path)) {
    auto k = audit::load_key(keys_dir);
    if (!k) return k.error();
    return false;
  }
  uint8_t raw[32];
  random_bytes(raw, sizeof raw);
  // O_EXCL: never replace a key another process made in the meantime.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error(path, "cannot create the audit key");
  const std::string text = to_hex(raw, sizeof raw) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return errno_error(path, "cannot write the audit key");
  }
  return true;
}

}  // namespace sfcohort

#include "sfcohort/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <strings.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <unordered_map>

#include "base/embedded.hpp"
#include "db/audit_internal.hpp"
#include "db/bulk_pg.hpp"
#include "db/match_tables.hpp"
#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "db/store_internal.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort {
namespace {

// "SFCH": marks the file as ours, so another application's SQLite database
// is refused rather than "upgraded".
constexpr int kApplicationId = 0x53464348;

}  // namespace

// DIR's migrations: "schema/" for SQLite, "schema/pg/" for PostgreSQL.
std::vector<Migration> migrations(std::string_view dir) {
  std::vector<Migration> out;
  for (const auto& r : embedded::all()) {
    std::string_view n = r.name;
    if (n.substr(0, dir.size()) != dir || n.size() < dir.size() + 5 ||
        n.substr(n.size() - 4) != ".sql")
      continue;
    std::string_view file = n.substr(dir.size());
    if (file.find('/') != std::string_view::npos) continue;
    int v = 0;
    size_t i = 0;
    while (i < file.size() && file[i] >= '0' && file[i] <= '9') v = v * 10 + (file[i++] - '0');
    if (i != 4 || v == 0) continue;
    out.push_back({v, n, r.data});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
  return out;
}

Status ensure_database_id(sql::Db& db) {
  auto has_id = db.scalar_int("SELECT count(*) FROM meta WHERE key = 'database_id'");
  if (!has_id) return has_id.error();
  if (*has_id == 0) {
    uint8_t raw[16];
    random_bytes(raw, sizeof raw);
    auto st =
        db.prepare("INSERT INTO meta(key, value) VALUES ('database_id', ?1), ('created_at', ?2)");
    if (!st) return st.error();
    st->bind(1, to_hex(raw, sizeof raw)).bind(2, Store::now_utc());
    SF_TRY(st->run());
    // A new database's match index (empty) is of the current keys' version;
    // one from before database ids that already holds people is not.
    SF_TRY(db.exec("INSERT INTO meta(key, value) SELECT '" +
                   std::string(match_tables::kKeysVersionMeta) + "', '" +
                   std::to_string(match_tables::kKeysVersion) +
                   "' WHERE NOT EXISTS (SELECT 1 FROM match_person)"));
  }
  return Ok{};
}

bool Person::same_fields(const Person& o) const {
  return family_id == o.family_id && given_name == o.given_name && middle_names == o.middle_names &&
         surname == o.surname && dob == o.dob && sex == o.sex && role == o.role &&
         postcode == o.postcode && house == o.house && address == o.address &&
         joined_on == o.joined_on && extra == o.extra;
}

struct Store::Impl {
  sql::Db db;
  Context ctx;
  std::string db_id;
  int version = 0;
  bool memory = false;
  std::unordered_map<std::string, std::unique_ptr<sql::Stmt>> stmts;
  audit::Chain chain;
  int64_t next_person = 0;
  int64_t next_family = 0;
  bool created = false;
  int upgraded_from = 0;
  std::unique_ptr<pg_bulk::Writer> bulk;  // during a BulkLoad on PostgreSQL
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() {
  if (impl_) {
    impl_->stmts.clear();
    audit::detach(impl_->chain, impl_->db);
  }
}

int Store::latest_schema_version() {
  auto m = migrations("schema/");
  return m.empty() ? 0 : m.back().version;
}
int Store::schema_version() const { return impl_->version; }
const Context& Store::context() const { return impl_->ctx; }
const std::string& Store::database_id() const { return impl_->db_id; }
sql::Db& Store::db() { return impl_->db; }

Result<sql::Stmt*> Store::cached(const std::string& text) {
  auto it = impl_->stmts.find(text);
  if (it != impl_->stmts.end()) {
    it->second->reset();
    return it->second.get();
  }
  auto st = impl_->db.prepare(text);
  if (!st) return st.error();
  auto p = std::make_unique<sql::Stmt>(std::move(*st));
  sql::Stmt* raw = p.get();
  impl_->stmts.emplace(text, std::move(p));
  return raw;
}

namespace {

// Applies every migration newer than the database, all in one transaction;
// FROM: the version it had, where it had one and was upgraded.
Result<int> migrate(sql::Db& db, const std::string& path, int& from) {
  auto version = db.scalar_int("PRAGMA user_version");
  if (!version) return version.error();
  auto app = db.scalar_int("PRAGMA application_id");
  if (!app) return app.error();
  auto tables = db.scalar_int("SELECT count(*) FROM sqlite_schema");
  if (!tables) return tables.error();
  const int latest = Store::latest_schema_version();
  if (*app != kApplicationId && (*version != 0 || *tables != 0)) {
    Error e(Errc::kEnvironment, path + ": not an sfcohort database",
            {"name the cohort database to use"});
    e.subject = Error::Subject::kDatabaseName;
    return e;
  }
  if (*version > latest) {
    return Error(Errc::kEnvironment,
                 path + ": the database has schema version " + std::to_string(*version) +
                     ", newer than this sfcohort understands (" + std::to_string(latest) + ")",
                 {"upgrade sfcohort to use this database"});
  }
  if (*version == latest) return static_cast<int>(*version);
  auto tx = sql::Transaction::begin(db);
  if (!tx) return tx.error().with_context(path);
  // Another process may have migrated while we waited for the lock.
  auto again = db.scalar_int("PRAGMA user_version");
  if (!again) return again.error();
  from = static_cast<int>(*again);
  for (const auto& m : migrations("schema/")) {
    if (m.version <= *again) continue;
    if (auto r = db.exec(m.sql); !r) {
      return r.error().with_context(path + ": migration " + std::string(m.name));
    }
    SF_TRY(db.exec("PRAGMA user_version = " + std::to_string(m.version)));
  }
  SF_TRY(db.exec("PRAGMA application_id = " + std::to_string(kApplicationId)));
  SF_TRY(ensure_database_id(db));
  SF_TRY(tx->commit());
  return latest;
}

}  // namespace

Result<Store> Store::finish_open(sql::Db db, const Context& ctx, bool memory, std::string key) {
  int from = 0;
  auto version = migrate(db, ctx.db_path, from);
  if (!version) return version.error();
  return finish_open(std::move(db), ctx, memory, std::move(key), *version, false, from);
}

Result<Store> Store::finish_open(sql::Db db, const Context& ctx, bool memory, std::string key,
                                 int version, bool created, int upgraded_from) {
  auto impl = std::make_unique<Store::Impl>();
  impl->db = std::move(db);
  impl->ctx = ctx;
  impl->version = version;
  impl->memory = memory;
  impl->created = created;
  impl->upgraded_from = upgraded_from;
  Store s(std::move(impl));
  auto id = s.meta("database_id");
  if (!id) return id.error();
  s.impl_->db_id = id->value_or("");
  SF_TRY(audit::attach(s.impl_->chain, s.impl_->db, ctx.keys_dir, s.impl_->db_id, memory,
                       std::move(key)));
  return s;
}

// Any spelling of either scheme: "postgresql:cohort" is a mistyped
// connection string to report, not a file to create.
bool Store::is_server(const std::string& db) {
  return strncasecmp(db.c_str(), "postgresql:", 11) == 0 ||
         strncasecmp(db.c_str(), "postgres:", 9) == 0;
}

// "postgressql://..." or "http://...": a mistyped or foreign connection
// string, never an SQLite file to create under that name.
Status Store::check_location(const std::string& db) {
  if (is_server(db)) return Ok{};
  size_t i = 0;
  while (i < db.size() && (std::isalnum(static_cast<unsigned char>(db[i])) || db[i] == '+' ||
                           db[i] == '-' || db[i] == '.')) {
    ++i;
  }
  if (i == 0 || !std::isalpha(static_cast<unsigned char>(db[0])) || db.compare(i, 3, "://") != 0) {
    return Ok{};
  }
  Error e(Errc::kEnvironment,
          db.substr(0, i + 3) + "...: not a database sfcohort knows (a connection string of '" +
              db.substr(0, i) + "')",
          {"a PostgreSQL connection string starts postgresql:// or postgres:, and anything else "
           "names an SQLite file"});
  e.subject = Error::Subject::kDatabaseName;
  return e;
}

bool Store::may_exist(const std::string& db) { return is_server(db) || file_exists(db); }

bool Store::created() const { return impl_->created; }

int Store::upgraded_from() const { return impl_->created ? 0 : impl_->upgraded_from; }

Result<Store> Store::open(const Context& ctx, OpenMode mode) {
  if (is_server(ctx.db_path)) return open_server(ctx, mode);
  SF_TRY(check_location(ctx.db_path));
  const std::string& path = ctx.db_path;
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    return environment_error(path + ": is a directory, not a database");
  }
  if (!exists && mode == OpenMode::kExisting) {
    Error e(Errc::kEnvironment, path + ": no such database",
            {"create it with 'sfcohort init', or name another database"});
    e.subject = Error::Subject::kDatabaseName;
    return e;
  }
  if (!exists) {
    // Created owner-only before SQLite opens it; its -wal and -shm files
    // inherit these permissions.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return errno_error(path, "cannot create the database");
    ::close(fd);
  }
  auto db = sql::Db::open(path, sql::Db::Mode::kReadWrite);
  if (!db) {
    if (!exists) ::unlink(path.c_str());
    return db.error();
  }
  if (!exists) SF_TRY(db->exec("PRAGMA journal_mode = WAL"));
  auto s = finish_open(std::move(*db), ctx, false, "");
  if (!s && !exists) ::unlink(path.c_str());
  if (s) s->impl_->created = !exists;
  // Once it is known to be ours: a team may share the database through a
  // group; every user of the machine may not.
  if (s && exists) SF_TRY(check_not_exposed(path, 007, "the database"));
  return s;
}

Result<Store> Store::open_memory(const Context& ctx, std::string audit_key) {
  Context c = ctx;
  c.db_path = ":memory:";
  auto db = sql::Db::open(":memory:", sql::Db::Mode::kReadWriteCreate);
  if (!db) return db.error();
  return finish_open(std::move(*db), c, true, std::move(audit_key));
}

Result<std::optional<std::string>> Store::meta(const std::string& key) {
  auto st = cached("SELECT value FROM meta WHERE key = ?1");
  if (!st) return st.error();
  (*st)->bind(1, key);
  auto r = (*st)->step();
  if (!r) return r.error();
  if (!*r) return std::optional<std::string>();
  std::optional<std::string> v((*st)->text(0));
  // Reset now: a statement left stepping keeps a read transaction open.
  (*st)->reset();
  return v;
}

Status Store::set_meta(const std::string& key, const std::string& value) {
  auto st = cached(
      "INSERT INTO meta(key, value) VALUES (?1, ?2) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st) return st.error();
  (*st)->bind(1, key).bind(2, value);
  return (*st)->run();
}

Store::Transaction::Transaction(std::unique_ptr<sql::Transaction> tx) : tx_(std::move(tx)) {}
Store::Transaction::Transaction(Transaction&&) noexcept = default;
Store::Transaction::~Transaction() = default;
Status Store::Transaction::commit() { return tx_->commit(); }

Result<Store::Transaction> Store::begin_transaction() {
  auto tx = sql::Transaction::begin(impl_->db);
  if (!tx) return tx.error();
  return Transaction(std::make_unique<sql::Transaction>(std::move(*tx)));
}

Store::BulkLoad::BulkLoad(Store* store, bool rollback_journal)
    : store_(store), rollback_journal_(rollback_journal) {}
Store::BulkLoad::BulkLoad(BulkLoad&& o) noexcept
    : store_(o.store_),
      rollback_journal_(o.rollback_journal_),
      tx_(std::move(o.tx_)),
      deferred_indexes_(std::move(o.deferred_indexes_)) {
  o.store_ = nullptr;
}

Store::BulkLoad::~BulkLoad() {
  if (store_) store_->impl_->bulk.reset();  // its rows are not written
  // Rolled back (when not committed) before the journal goes back to WAL.
  tx_.reset();
  if (!store_) return;
  if (!store_->db().postgres()) (void)store_->db().exec("PRAGMA ignore_check_constraints = OFF");
  if (!rollback_journal_) return;
  (void)store_->db().exec("PRAGMA synchronous = NORMAL");
  (void)store_->db().exec("PRAGMA journal_mode = WAL");
}

Status Store::BulkLoad::commit() {
  for (const std::string& create : deferred_indexes_) SF_TRY(store_->db().exec(create));
  SF_TRY(tx_->commit());  // on PostgreSQL, the bulk writer's last rows first
  store_->impl_->bulk.reset();
  if (rollback_journal_) SF_TRY(store_->flush_audit_head());
  return Ok{};
}

namespace {

// The first load into an empty cohort on PostgreSQL, by the tables' owner
// (who alone may alter them): the secondary indexes of person and family are
// built from the loaded rows, and the foreign keys of person and match_person
// checked over them, once at the commit, rather than row by row (at
// 1,000,000 people, 20 s of inserts to 10 s in all). Dropped inside the
// load's transaction, which holds the tables until it ends: a load that does
// not commit leaves them as they were. Adds to AT_COMMIT what rebuilds them.
Status defer_pg_constraints(sql::Db& db, std::vector<std::string>& at_commit) {
  auto owner = db.scalar_int(
      "SELECT (pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE') AND "
      "NOT EXISTS (SELECT 1 FROM person))::int FROM pg_catalog.pg_class c "
      "WHERE c.oid = 'person'::regclass");
  if (!owner) return owner.error();
  if (*owner == 0) return Ok{};
  auto index_st = db.prepare(
      "SELECT i.indexname, i.indexdef FROM pg_catalog.pg_indexes i WHERE i.schemaname = "
      "current_schema() AND i.tablename IN ('person', 'family') AND NOT EXISTS (SELECT 1 FROM "
      "pg_catalog.pg_constraint k WHERE k.conindid = (quote_ident(i.schemaname) || '.' || "
      "quote_ident(i.indexname))::regclass) ORDER BY i.indexname");
  if (!index_st) return index_st.error();
  auto indexes = db::rows_of(
      &*index_st, [](const sql::Stmt& st) { return std::make_pair(st.text(0), st.text(1)); });
  if (!indexes) return indexes.error();
  auto key_st = db.prepare(
      "SELECT conname, conrelid::regclass::text, pg_catalog.pg_get_constraintdef(oid) FROM "
      "pg_catalog.pg_constraint WHERE contype = 'f' AND conrelid IN ('person'::regclass, "
      "'match_person'::regclass) ORDER BY conname");
  if (!key_st) return key_st.error();
  auto keys = db::rows_of(&*key_st, [](const sql::Stmt& st) {
    return std::array{st.text(0), st.text(1), st.text(2)};
  });
  if (!keys) return keys.error();
  for (const auto& [name, create] : *indexes) {
    SF_TRY(db.exec("DROP INDEX \"" + name + "\""));
    at_commit.push_back(create);
  }
  for (const auto& [name, table, def] : *keys) {
    SF_TRY(db.exec("ALTER TABLE " + table + " DROP CONSTRAINT \"" + name + "\""));
    at_commit.push_back("ALTER TABLE " + table + " ADD CONSTRAINT \"" + name + "\" " + def);
  }
  return Ok{};
}

}  // namespace

Result<Store::BulkLoad> Store::begin_bulk_load(bool dry_run) {
  sql::Db& db = impl_->db;
  if (db.postgres()) {
    auto tx = sql::Transaction::begin(db);
    if (!tx) return tx.error();
    BulkLoad load(this, false);
    load.tx_ = std::make_unique<sql::Transaction>(std::move(*tx));
    if (!dry_run) SF_TRY(defer_pg_constraints(db, load.deferred_indexes_));
    auto writer = pg_bulk::Writer::begin(db);
    if (!writer) return writer.error();
    impl_->bulk = std::move(*writer);
    return load;
  }
  // A bigger page cache keeps a large import's B-tree pages in memory rather
  // than spilling them to the WAL over and over; bounded, so memory stays flat.
  SF_TRY(db.exec("PRAGMA cache_size = -65536"));
  // SQLite 3.40 compiles each CHECK (x IN (...)) of person and family into a
  // scratch table built on every row written (a quarter of an import's
  // work). The import has checked each of those fields against the same
  // vocabularies (parse_row), so the load skips them; ~BulkLoad restores them.
  SF_TRY(db.exec("PRAGMA ignore_check_constraints = ON"));
  // The first load into an empty cohort runs under a rollback journal: its
  // pages are written once, to the database file, rather than to the
  // write-ahead log and then again into the file at the checkpoint (about a
  // tenth of a 1M-person import). Only when no other connection has the
  // database open, as the switch needs it to itself; otherwise the import
  // stays in WAL. The switch back follows the commit, and every open
  // switches to WAL anyway, so an interrupted import leaves nothing behind.
  // The load is made before the switch, so that however it ends, the
  // journal goes back to WAL.
  BulkLoad load(this, false);
  if (!dry_run) {
    auto empty = db.scalar_int("SELECT NOT EXISTS (SELECT 1 FROM person)");
    if (!empty) return empty.error();
    if (*empty && db.exec("PRAGMA journal_mode = DELETE")) {
      auto wal =
          db.scalar_int("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'");
      if (!wal) return wal.error();
      load.rollback_journal_ = *wal == 0;
      if (load.rollback_journal_) SF_TRY(db.exec("PRAGMA synchronous = FULL"));
    }
  }
  auto tx = sql::Transaction::begin(db);
  if (!tx) return tx.error();
  load.tx_ = std::make_unique<sql::Transaction>(std::move(*tx));
  // Into an empty cohort, the secondary indexes of person and family are
  // built once from the loaded rows (a sort) rather than row by row: at
  // 1,000,000 people, random inserts into the (postcode, house) index
  // outgrow the page cache and more than doubled the import. Dropped inside
  // the transaction, so a load that does not commit leaves them as they were.
  if (load.rollback_journal_) {
    auto st = db.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('person', 'family') ORDER BY name");
    if (!st) return st.error();
    std::vector<std::string> names;
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      names.push_back(st->text(0));
      load.deferred_indexes_.push_back(st->text(1));
    }
    st->reset();
    for (const std::string& name : names) SF_TRY(db.exec("DROP INDEX \"" + name + "\""));
  }
  return load;
}

Status Store::set_cache_kib(int64_t kib) {
  if (impl_->db.postgres()) return Ok{};  // the server's
  return impl_->db.exec("PRAGMA cache_size = -" + std::to_string(kib));
}

Status Store::audit(const std::string& subject, const nlohmann::json& detail) {
  return audit::append(impl_->chain, *this, subject, detail);
}

Status Store::audit(const std::string& subject, const nlohmann::json& detail,
                    std::vector<Disclosure> disclosed) {
  return audit::append(impl_->chain, *this, subject, detail, &disclosed);
}

Result<nlohmann::json> Store::dispose_disclosures(const std::vector<std::string>& person_ids) {
  return audit::dispose_disclosures(impl_->chain, *this, person_ids);
}

Status Store::flush_audit_head() { return audit::flush_head(impl_->chain); }

namespace {
constexpr const char* kPersonCols =
    "pk, id, family_id, given_name, middle_names, surname, dob, sex, role, postcode, house, "
    "address, joined_on, extra";

Person read_person(const sql::Stmt& st) {
  Person p;
  p.pk = st.int64(0);
  p.id = st.text(1);
  p.family_id = st.text(2);
  p.given_name = st.text(3);
  p.middle_names = st.text(4);
  p.surname = st.text(5);
  p.dob = st.text(6);
  p.sex = st.text(7);
  p.role = st.text(8);
  p.postcode = st.text(9);
  p.house = st.text(10);
  p.address = st.text(11);
  p.joined_on = st.text_or_null(12);
  p.extra = st.text(13);
  return p;
}

Result<std::optional<Person>> one_person(Result<sql::Stmt*> st) {
  if (!st) return st.error();
  auto r = (*st)->step();
  if (!r) return r.error();
  if (!*r) return std::optional<Person>();
  Person p = read_person(**st);
  (*st)->reset();
  return std::optional<Person>(std::move(p));
}
}  // namespace

Result<std::optional<Family>> Store::family(const std::string& id) {
  if (impl_->bulk && !impl_->bulk->may_have_family(id)) return std::optional<Family>();
  auto st =
      cached("SELECT id, status, joined_on, lead_agency, lead_contact FROM family WHERE id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, id);
  auto r = (*st)->step();
  if (!r) return r.error();
  if (!*r) return std::optional<Family>();
  Family f;
  f.id = (*st)->text(0);
  f.status = (*st)->text(1);
  f.joined_on = (*st)->text_or_null(2);
  f.lead_agency = (*st)->text(3);
  f.lead_contact = (*st)->text(4);
  (*st)->reset();
  return std::optional<Family>(std::move(f));
}

Status Store::put_family(const Family& f) {
  if (impl_->bulk && !impl_->bulk->may_have_family(f.id)) {
    impl_->bulk->add_family(f, now_utc());
    return Ok{};
  }
  auto st = cached(
      "INSERT INTO family(id, status, joined_on, lead_agency, lead_contact, created_at, "
      "updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT(id) DO UPDATE SET status = excluded.status, "
      "joined_on = excluded.joined_on, lead_agency = excluded.lead_agency, "
      "lead_contact = excluded.lead_contact, updated_at = excluded.updated_at");
  if (!st) return st.error();
  (*st)->bind(1, f.id).bind(2, f.status).bind(3, f.joined_on).bind(4, f.lead_agency);
  (*st)->bind(5, f.lead_contact).bind(6, now_utc());
  return (*st)->run();
}

Result<std::optional<Person>> Store::person(const std::string& id) {
  if (impl_->bulk && !impl_->bulk->may_have_person(id)) return std::optional<Person>();
  auto st = cached(std::string("SELECT ") + kPersonCols + " FROM person WHERE id = ?1");
  if (st) (*st)->bind(1, id);
  return one_person(st);
}

Result<std::optional<Person>> Store::person_by_pk(int64_t pk) {
  auto st = cached(std::string("SELECT ") + kPersonCols + " FROM person WHERE pk = ?1");
  if (st) (*st)->bind(1, pk);
  return one_person(st);
}

Result<std::vector<Person>> Store::family_members(const std::string& family_id) {
  auto st = cached(std::string("SELECT ") + kPersonCols +
                   " FROM person WHERE family_id = ?1 ORDER BY dob, pk");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  std::vector<Person> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_person(**st));
  }
  (*st)->reset();
  return out;
}

Result<int64_t> Store::family_size(const std::string& family_id) {
  auto st = cached("SELECT count(*) FROM person WHERE family_id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  auto r = (*st)->step();
  if (!r) return r.error();
  const int64_t n = (*st)->int64(0);
  (*st)->reset();
  return n;
}

Result<bool> Store::family_in_cohort(const std::string& family_id) {
  auto st = cached("SELECT status IN ('cohort', 'closed') FROM family WHERE id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  auto r = (*st)->step();
  if (!r) return r.error();
  const bool v = *r && (*st)->int64(0) != 0;
  (*st)->reset();
  return v;
}

namespace {

// What lookups score of a person, after its pk: the columns and their reader.
constexpr const char* kMatchFields =
    "SELECT pk, family_id, given_name, middle_names, surname, dob, postcode, house, sex FROM "
    "person WHERE ";

void read_match_fields(const sql::Stmt& s, Person& p) {
  p.pk = s.int64(0);
  p.family_id = s.text(1);
  p.given_name = s.text(2);
  p.middle_names = s.text(3);
  p.surname = s.text(4);
  p.dob = s.text(5);
  p.postcode = s.text(6);
  p.house = s.text(7);
  p.sex = s.text(8);
}

// Appends the match fields of every row ST (bound, a kMatchFields query)
// gives.
Status append_match_fields(const Result<sql::Stmt*>& st, std::vector<Person>& out) {
  auto rows = db::rows_of(st, [](const sql::Stmt& s) {
    Person p;
    read_match_fields(s, p);
    return p;
  });
  if (!rows) return rows.error();
  for (Person& p : *rows) out.push_back(std::move(p));
  return Ok{};
}

}  // namespace

Status Store::people_match_fields(const std::vector<int64_t>& pks, std::vector<Person>& out) {
  if (!impl_->db.postgres()) {
    for (int64_t pk : pks) {
      Person p;
      auto found = person_match_fields(pk, p);
      if (!found) return found.error();
      if (*found) out.push_back(std::move(p));
    }
    return Ok{};
  }
  static const std::string query = std::string(kMatchFields) + "pk = ANY(?1::bigint[])";
  auto st = cached(query);
  if (!st) return st.error();
  (*st)->bind(1, sql::array_literal(pks));
  return append_match_fields(st, out);
}

Status Store::people_match_fields_after(int64_t after, int64_t limit, std::vector<Person>& out) {
  static const std::string query = std::string(kMatchFields) + "pk > ?1 ORDER BY pk LIMIT ?2";
  auto st = cached(query);
  if (!st) return st.error();
  (*st)->bind(1, after).bind(2, limit);
  return append_match_fields(st, out);
}

Result<bool> Store::person_match_fields(int64_t pk, Person& p) {
  static const std::string query = std::string(kMatchFields) + "pk = ?1";
  auto st = cached(query);
  if (!st) return st.error();
  (*st)->bind(1, pk);
  auto r = (*st)->step();
  if (!r) return r.error();
  if (*r) read_match_fields(**st, p);
  (*st)->reset();
  return *r;
}

Result<int64_t> Store::max_person_pk() {
  return impl_->db.scalar_int("SELECT coalesce(max(pk), 0) FROM person");
}

Result<std::optional<Person>> Store::find_member(const std::string& family_id,
                                                 const std::string& given_name,
                                                 const std::string& surname,
                                                 const std::string& dob) {
  auto st = cached(std::string("SELECT ") + kPersonCols +
                   " FROM person WHERE family_id = ?1 AND dob = ?2 ORDER BY pk");
  if (!st) return st.error();
  (*st)->bind(1, family_id).bind(2, dob);
  const std::string g = to_upper_ascii(trim(given_name)), s = to_upper_ascii(trim(surname));
  std::optional<Person> found;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    if (to_upper_ascii((*st)->text_view(3)) == g && to_upper_ascii((*st)->text_view(5)) == s) {
      found = read_person(**st);
      break;
    }
  }
  (*st)->reset();
  return found;
}

Result<std::string> Store::new_person_id() {
  if (impl_->next_person == 0) {
    auto n = impl_->db.scalar_int("SELECT coalesce(max(pk), 0) + 1 FROM person");
    if (!n) return n.error();
    impl_->next_person = *n;
  }
  for (;;) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "P%07lld", static_cast<long long>(impl_->next_person++));
    auto st = cached("SELECT 1 FROM person WHERE id = ?1");
    if (!st) return st.error();
    (*st)->bind(1, std::string(buf));
    auto r = (*st)->step();
    if (!r) return r.error();
    (*st)->reset();
    if (!*r) return std::string(buf);
  }
}

Result<std::string> Store::new_family_id() {
  if (impl_->next_family == 0) {
    auto n = impl_->db.scalar_int("SELECT count(*) + 1 FROM family");
    if (!n) return n.error();
    impl_->next_family = *n;
  }
  for (;;) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "F%07lld", static_cast<long long>(impl_->next_family++));
    auto f = family(buf);
    if (!f) return f.error();
    if (!f->has_value()) return std::string(buf);
  }
}

namespace {
// ?1 id, ?2..?13 the stored fields, ?14 the time: as insert and update use them.
void bind_person(sql::Stmt& s, const Person& p) {
  s.bind(1, p.id).bind(2, p.family_id).bind(3, p.given_name).bind(4, p.middle_names);
  s.bind(5, p.surname).bind(6, p.dob).bind(7, p.sex).bind(8, p.role).bind(9, p.postcode);
  s.bind(10, p.house).bind(11, p.address).bind(12, p.joined_on).bind(13, p.extra);
  s.bind(14, Store::now_utc());
}
}  // namespace

Result<Person> Store::insert_person(Person p) {
  if (p.id.empty()) {
    auto id = new_person_id();
    if (!id) return id.error();
    p.id = *id;
  }
  if (impl_->bulk) {
    auto pk = impl_->bulk->add_person(p, now_utc());
    if (!pk) return pk.error();
    p.pk = *pk;
    return p;
  }
  static constexpr std::string_view kInsert =
      "INSERT INTO person(id, family_id, given_name, middle_names, surname, dob, sex, role, "
      "postcode, house, address, joined_on, extra, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)";
  // SQLite runs a RETURNING clause through a scratch table opened and closed
  // on every row (a third of a 1M-person import); its last rowid is free.
  sqlite3* lite = impl_->db.sqlite_handle();
  auto st = cached(lite ? std::string(kInsert) : std::string(kInsert) + " RETURNING pk");
  if (!st) return st.error();
  sql::Stmt& s = **st;
  bind_person(s, p);
  auto r = s.step();
  if (!r) return r.error();
  p.pk = lite ? sqlite3_last_insert_rowid(lite) : s.int64(0);
  s.reset();
  return p;
}

Result<Person> Store::update_person(const Person& p) {
  auto st = cached(
      "UPDATE person SET family_id = ?2, given_name = ?3, middle_names = ?4, surname = ?5, "
      "dob = ?6, sex = ?7, role = ?8, postcode = ?9, house = ?10, address = ?11, joined_on = ?12, "
      "extra = ?13, updated_at = ?14 WHERE id = ?1 RETURNING pk");
  if (!st) return st.error();
  sql::Stmt& s = **st;
  bind_person(s, p);
  auto r = s.step();
  if (!r) return r.error();
  if (!*r) return invalid_input("person '" + p.id + "' is not in the cohort");
  Person stored = p;
  stored.pk = s.int64(0);
  s.reset();
  return stored;
}

Result<int64_t> Store::count_people() {
  return impl_->db.scalar_int("SELECT count(*) FROM person");
}

std::string Store::now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Store::today() {
  // SFCOHORT_TODAY fixes "today" for reproducible tests and demos.
  if (const char* t = std::getenv("SFCOHORT_TODAY"); t && *t) {
    if (auto d = parse_date(t)) return d->iso();
  }
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace sfcohort

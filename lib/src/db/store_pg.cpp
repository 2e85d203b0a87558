// Store::open for a PostgreSQL server: connect through libpq, check the
// schema sfcohort is there (or create it, for init), and apply the
// migrations of schema/pg/ newer than sfcohort.schema_version, all in one
// transaction under an advisory lock, so two clients never migrate at once.
#include "db/sql.hpp"
#include "db/store_internal.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {
namespace {

// The advisory lock key of migrations: "SFCH".
constexpr int64_t kMigrationLock = 0x53464348;

Error no_schema(const std::string& what) {
  Error e(Errc::kEnvironment, what + ": no sfcohort database here (the schema sfcohort is missing)",
          {"create it with 'sfcohort init' (run by the database's owner), or name another "
           "database"});
  e.subject = Error::Subject::kDatabaseName;
  return e;
}

Result<int64_t> schema_version(sql::Db& db) {
  // to_regclass rather than the pg_tables view: a new connection's first
  // query, and the view joins catalogs it has not read yet.
  auto has = db.scalar_int("SELECT to_regclass('sfcohort.schema_version') IS NOT NULL");
  if (!has) return has.error();
  if (*has == 0) return int64_t{-1};
  return db.scalar_int("SELECT version FROM sfcohort.schema_version");
}

// The schema is made by whoever may create schemas in the database; a
// superuser makes it for the database's owner (SET LOCAL ROLE), who then
// grants the team's roles, which a schema of the superuser's would forbid.
Status take_database_owner(sql::Db& db, const std::string& what) {
  auto owner = db.prepare(
      "SELECT format('SET LOCAL ROLE %I', o.rolname), o.rolname::text, "
      "(u.rolsuper AND NOT o.rolsuper AND o.oid <> u.oid)::int, "
      "has_database_privilege(current_database(), 'CREATE')::int "
      "FROM pg_catalog.pg_database d JOIN pg_catalog.pg_roles o ON o.oid = d.datdba, "
      "pg_catalog.pg_roles u WHERE d.datname = current_database() AND u.rolname = current_user");
  if (!owner) return owner.error().with_context(what);
  if (auto r = owner->step(); !r) return r.error().with_context(what);
  if (owner->int64(3) == 0) {
    return Error(Errc::kPolicy,
                 what + ": the sfcohort schema is made by the database's owner (" + owner->text(1) +
                     "), and this user may not create schemas here",
                 {"run 'sfcohort init' as " + owner->text(1)});
  }
  if (owner->int64(2) != 0) SF_TRY(db.exec(owner->text(0)));
  return Ok{};
}

// Applies the migrations newer than the database; returns the version.
// FROM: the version it had, where it had one and was upgraded.
Result<int> migrate(sql::Db& db, const std::string& what, bool create, bool& created, int& from) {
  const auto pg = migrations("schema/pg/");
  const int latest = pg.empty() ? 0 : pg.back().version;
  auto version = schema_version(db);
  if (!version) return version.error().with_context(what);
  if (*version < 0 && !create) return no_schema(what);
  if (*version > latest) {
    return Error(Errc::kEnvironment,
                 what + ": the database has schema version " + std::to_string(*version) +
                     ", newer than this sfcohort understands (" + std::to_string(latest) + ")",
                 {"upgrade sfcohort to use this database"});
  }
  if (*version == latest) return latest;
  auto tx = sql::Transaction::begin(db);
  if (!tx) return tx.error().with_context(what);
  SF_TRY(db.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")"));
  auto again = schema_version(db);  // another client may have migrated meanwhile
  if (!again) return again.error().with_context(what);
  created = *again < 0;
  if (created) SF_TRY(take_database_owner(db, what));
  from = created ? 0 : static_cast<int>(*again);
  // What a migration makes is the schema's owner's, whoever applies it: a
  // superuser's functions would be out of the owner's reach (revoked from
  // PUBLIC), and the audit functions, which run as the owner, would fail.
  if (!created) {
    auto owner = db.prepare(
        "SELECT format('SET LOCAL ROLE %I', pg_get_userbyid(nspowner)), "
        "pg_get_userbyid(nspowner)::text, "
        "pg_has_role(session_user, nspowner, 'MEMBER')::int FROM pg_catalog.pg_namespace "
        "WHERE nspname = 'sfcohort' AND nspowner <> (SELECT oid FROM pg_catalog.pg_roles "
        "WHERE rolname = current_user)");
    if (!owner) return owner.error().with_context(what);
    auto differs = owner->step();
    if (!differs) return differs.error().with_context(what);
    if (*differs) {
      if (owner->int64(2) == 0) {
        return Error(
            Errc::kPolicy,
            what + ": the schema needs upgrading, which its owner (" + owner->text(1) + ") does",
            {"run 'sfcohort init' as " + owner->text(1) + " once, then try again"});
      }
      SF_TRY(db.exec(owner->text(0)));
    }
  }
  for (const auto& m : pg) {
    if (m.version <= *again) continue;
    if (auto r = db.exec(m.sql); !r) {
      return r.error().with_context(what + ": migration " + std::string(m.name));
    }
    SF_TRY(db.exec("UPDATE sfcohort.schema_version SET version = " + std::to_string(m.version)));
  }
  SF_TRY(ensure_database_id(db));
  SF_TRY(tx->commit());
  return latest;
}

}  // namespace

Result<Store> Store::open_server(const Context& ctx, OpenMode mode) {
  auto db = sql::Db::connect_postgres(ctx.db_path, ctx.db_path);
  if (!db) return db.error();
  bool created = false;
  int from = 0;
  auto version = migrate(*db, ctx.db_path, mode == OpenMode::kCreate, created, from);
  if (!version) return version.error();
  // Who acts is the user the server authenticated, in every record a
  // command makes (a nomination's submitter, a closure's recorder), as in
  // its audit entry, which the server writes: not --as.
  Context as_user = ctx;
  if (std::string user = db->user(); !user.empty()) as_user.actor = user;
  return finish_open(std::move(*db), as_user, false, "", *version, created, from);
}

}  // namespace sfcohort

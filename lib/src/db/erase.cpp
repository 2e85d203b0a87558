// What a disposal does about copies of what it deleted. On SQLite, the one
// place outside the connection's set-up that issues a PRAGMA: no copy stays
// in the database file or its write-ahead log. On PostgreSQL, the tables
// concerned are vacuumed when the user may (their owner); what stays
// elsewhere (the server's log, base backups, dumps) is documented in
// sfcohort-retention(1).
#include "db/sqlite.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {
namespace {

// The tables a disposal deletes from (lib/src/db/retention.cpp,
// match_dispose.cpp, disclosure.cpp, and the ON DELETE CASCADE of
// schema/pg/), vacuumed after it on PostgreSQL.
constexpr const char* kDisposed =
    "sfcohort.person, sfcohort.person_change, sfcohort.person_alias, sfcohort.match_person, "
    "sfcohort.match_bucket, sfcohort.name_freq, sfcohort.family, sfcohort.family_status, "
    "sfcohort.family_evidence, sfcohort.family_agency, sfcohort.family_consent, "
    "sfcohort.nomination, sfcohort.nomination_member, sfcohort.evidence, "
    "sfcohort.candidate_nomination, sfcohort.disclosure";

Result<std::string> vacuum_disposed(sql::Db& db) {
  // VACUUM is the tables' owner's (or a superuser's): a manager who is
  // neither leaves it to the owner's scheduled VACUUM.
  auto may = db.scalar_int(
      "SELECT (pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE') OR "
      "(SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user))::int "
      "FROM pg_catalog.pg_class c WHERE c.oid = 'sfcohort.person'::regclass");
  if (!may) return may.error();
  if (*may == 0) {
    return std::string(
        "the deleted rows stay in the server's table files until the tables are vacuumed, "
        "which is their owner's to do; see sfcohort-retention(1), also for the server's log, "
        "backups and dumps");
  }
  if (auto v = db.exec(std::string("VACUUM ") + kDisposed); !v) {
    return v.error().with_context(
        "the disposal is committed, but the tables it deleted from could not be vacuumed");
  }
  return std::string(
      "the tables are vacuumed; copies remain in the server's log, base backups and dumps "
      "until they are rotated: see sfcohort-retention(1)");
}

}  // namespace

Result<std::string> Store::erase_deleted_content(bool after_commit) {
  if (db().postgres()) {
    if (!after_commit) return std::string();
    return vacuum_disposed(db());
  }
  if (!after_commit) {
    SF_TRY(db().exec("PRAGMA secure_delete = ON"));
    return std::string();
  }
  // Pages freed and zeroed in the log reach the file; the log, which still
  // holds frames from before the deletes, is emptied.
  auto st = db().prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!st) return st.error();
  auto r = st->step();
  if (!r) return r.error();
  if (*r && st->int64(0) != 0) {
    return Error(Errc::kEnvironment,
                 "the disposal is committed, but another connection kept the database's log "
                 "from being emptied: deleted data may remain in it until it is",
                 {"run the command again when no other sfcohort command is running"});
  }
  return std::string();
}

}  // namespace sfcohort

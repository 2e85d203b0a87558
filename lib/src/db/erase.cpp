// SQLITE-ONLY: the one place outside the connection's set-up that issues a
// PRAGMA. Disposal must leave no copy of what it deleted in the database
// file or its write-ahead log; on PostgreSQL it is refused for now (VACUUM
// of the tables concerned is the owner's, and the server's log keeps
// copies).
#include "db/sqlite.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {

Status Store::erase_deleted_content(bool after_commit) {
  if (db().postgres()) {
    // Not yet: deleted rows stay in the server's pages until vacuumed (by
    // the tables' owner) and in its write-ahead log, and the disposed
    // disclosures' digest needs the key the server keeps. Refused before
    // anything is deleted.
    return Error(
        Errc::kEnvironment,
        "disposal with secure erase is not yet available on a PostgreSQL database: "
        "nothing was deleted",
        {"see the README, 'A team on PostgreSQL'; 'sfcohort retention' still shows what is due"});
  }
  if (!after_commit) return db().exec("PRAGMA secure_delete = ON");
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
  return Ok{};
}

}  // namespace sfcohort

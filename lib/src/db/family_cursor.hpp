// Reading per-family tables side by side in one pass (db/programme_rows.hpp,
// db/identify_rows.hpp): a cursor per table, each ordered by family id (text
// compared bytewise: BINARY on SQLite, COLLATE "C" on PostgreSQL), and a read
// snapshot around them (which the cohort index's scan takes too:
// db/index_scan.cpp). Private to lib/src/db.
#pragma once

#include <string>

#include "db/sqlite.hpp"

namespace sfcohort::db {

// One of the per-family tables, read in family order alongside the families:
// FILL takes the current row (columns from 1; column 0 is the family id).
class Cursor {
 public:
  Cursor(sql::Db& db, const char* sql) : st_(db.prepare(sql)) {}
  Status start() {
    if (!st_) return st_.error();
    return advance();
  }
  // Feeds FILL every row of FAMILY, which must not be behind the cursor.
  template <typename Fill>
  Status take(const std::string& family, Fill fill) {
    while (has_ && st_->text(0) < family) SF_TRY(advance());
    while (has_ && st_->text(0) == family) {
      fill(*st_);
      SF_TRY(advance());
    }
    return Ok{};
  }

 private:
  Status advance() {
    auto r = st_->step();
    if (!r) return r.error();
    has_ = *r;
    return Ok{};
  }
  Result<sql::Stmt> st_;
  bool has_ = false;
};

// A deferred transaction: the reads that follow see one snapshot. Ended
// (committed: it wrote nothing) when it goes out of scope.
//
// SQLITE-ONLY: with MAPPED, a pass that reads most of the file (a report,
// identify) reads it through a memory map for the snapshot's length (PRAGMA
// mmap_size, up to the build's limit), not a read() and a copy per page:
// 1.3 s of system time to 0.3 s for a report over 1,000,000 people. The
// pages it touches count in the process's resident size. Reads only, so
// nothing is lost if the map fails. The cohort index's scan, which gained
// nothing measurable from it, reads without.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(sql::Db& db, bool mapped = false) : db_(db), mapped_(mapped) {}
  Status begin() {
    // Inside a transaction (an import reading the cohort it writes to), the
    // reads are that transaction's: nothing to begin, nothing to commit.
    if (db_.in_transaction()) return Ok{};
    if (mapped_) mapped_ = !db_.postgres() && db_.exec("PRAGMA mmap_size = 2147418112").has_value();
    SF_TRY(db_.conn().begin_read());
    open_ = true;
    return Ok{};
  }
  ~ReadSnapshot() {
    if (open_) (void)db_.exec("COMMIT");
    if (mapped_) (void)db_.exec("PRAGMA mmap_size = 0");
  }

 private:
  sql::Db& db_;
  bool open_ = false, mapped_ = false;
};

}  // namespace sfcohort::db

#include "db/programme_rows.hpp"

#include <algorithm>

#include "db/store_access.hpp"

#include "db/family_cursor.hpp"
#include "db/sqlite.hpp"

namespace sfcohort::db {

// Partners' feeds: the attached rows, through each family's people in
// family order. CROSS JOIN keeps person the outer loop in SQLite (its
// person_family index gives the order, evidence_state finds each person's
// rows: streamed, no sort of the evidence); PostgreSQL plans it as a plain
// join.
const char* const kProgrammeFeedSql =
    "SELECT p.family_id, e.indicator, p.id, e.date, e.value, e.source "
    "FROM person p CROSS JOIN evidence e "
    "WHERE e.state = 'attached' AND e.person_id = p.id ORDER BY p.family_id";

Status each_programme_family(Store& store,
                             const std::function<Status(const ProgrammeFamily&)>& visit) {
  sql::Db& db = db::connection(store);
  ReadSnapshot snapshot(db, true);
  SF_TRY(snapshot.begin());
  auto families = db.prepare(
      "SELECT f.id, f.status, COALESCE(f.joined_on, ''), f.lead_agency, f.lead_contact, "
      "COALESCE(f.closed_on, ''), COALESCE((SELECT s.outcome FROM family_status s "
      "WHERE s.family_id = f.id ORDER BY s.pk DESC LIMIT 1), '') FROM family f ORDER BY f.id");
  if (!families) return families.error();
  Cursor members(db,
                 "SELECT family_id, id, given_name, surname, dob, role FROM person "
                 "ORDER BY family_id, dob");
  Cursor evidence(db,
                  "SELECT family_id, indicator, COALESCE(person_id, ''), date, value, source "
                  "FROM family_evidence ORDER BY family_id, date");
  Cursor fed(db, kProgrammeFeedSql);
  Cursor agencies(db,
                  "SELECT family_id, name, role, contact, lead FROM family_agency "
                  "ORDER BY family_id, pk");
  SF_TRY(members.start());
  SF_TRY(evidence.start());
  SF_TRY(fed.start());
  SF_TRY(agencies.start());
  ProgrammeFamily f;
  for (;;) {
    auto r = families->step();
    if (!r) return r.error();
    if (!*r) break;
    f.id = families->text(0);
    f.status = families->text(1);
    f.joined_on = families->text(2);
    f.lead_agency = families->text(3);
    f.lead_contact = families->text(4);
    f.closed_on = families->text(5);
    f.outcome = families->text(6);
    f.members.clear();
    f.evidence.clear();
    f.agencies.clear();
    SF_TRY(members.take(f.id, [&f](sql::Stmt& s) {
      f.members.push_back({s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
    }));
    SF_TRY(evidence.take(f.id, [&f](sql::Stmt& s) {
      ProgrammeEvidence e{s.text(1), s.text(2), s.text(3), s.text(5), std::nullopt};
      if (!s.is_null(4)) e.value = s.real(4);
      f.evidence.push_back(std::move(e));
    }));
    SF_TRY(fed.take(f.id, [&f](sql::Stmt& s) {
      ProgrammeEvidence e{s.text(1), s.text(2), s.text(3), s.text(5), std::nullopt};
      if (!s.is_null(4)) e.value = s.real(4);
      f.evidence.push_back(std::move(e));
    }));
    // Typed and fed evidence together by date, whatever order a backend
    // gave one family's feed rows in.
    std::stable_sort(
        f.evidence.begin(), f.evidence.end(),
        [](const ProgrammeEvidence& a, const ProgrammeEvidence& b) { return a.date < b.date; });
    SF_TRY(agencies.take(f.id, [&f](sql::Stmt& s) {
      f.agencies.push_back({s.text(1), s.text(2), s.text(3), s.int64(4) != 0});
    }));
    SF_TRY(visit(f));
  }
  return Ok{};
}

}  // namespace sfcohort::db

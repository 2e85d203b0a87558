#include "db/programme_rows.hpp"
#include "db/store_access.hpp"

#include "db/family_cursor.hpp"
#include "db/sqlite.hpp"

namespace sfcohort::db {

Status each_programme_family(Store& store,
                             const std::function<Status(const ProgrammeFamily&)>& visit) {
  sql::Db& db = db::connection(store);
  ReadSnapshot snapshot(db);
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
  Cursor agencies(db,
                  "SELECT family_id, name, role, contact, lead FROM family_agency "
                  "ORDER BY family_id, pk");
  SF_TRY(members.start());
  SF_TRY(evidence.start());
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
    SF_TRY(agencies.take(f.id, [&f](sql::Stmt& s) {
      f.agencies.push_back({s.text(1), s.text(2), s.text(3), s.int64(4) != 0});
    }));
    SF_TRY(visit(f));
  }
  return Ok{};
}

}  // namespace sfcohort::db

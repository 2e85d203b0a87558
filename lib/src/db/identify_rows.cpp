#include "db/identify_rows.hpp"

#include <unordered_map>

#include "db/family_cursor.hpp"
#include "db/sqlite.hpp"
#include "db/store_access.hpp"

namespace sfcohort::db {
namespace {

ProgrammeEvidence evidence_row(sql::Stmt& s) {
  ProgrammeEvidence e{s.text(1), s.text(2), s.text(3), s.text(5), std::nullopt};
  if (!s.is_null(4)) e.value = s.real(4);
  return e;
}

}  // namespace

Status each_evidence_family(Store& store,
                            const std::function<Status(const EvidenceFamily&)>& visit) {
  sql::Db& db = db::connection(store);
  ReadSnapshot snapshot(db, true);
  SF_TRY(snapshot.begin());
  // Each person's latest nomination (few people have one): looked up by id.
  std::unordered_map<std::string, std::pair<bool, std::string>> membership;
  {
    auto st = db.prepare(
        "SELECT person_id, resident, relationship FROM nomination_member WHERE person_id IS "
        "NOT NULL ORDER BY person_id, nomination_id DESC");
    if (!st) return st.error();
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      membership.try_emplace(st->text(0), st->int64(1) != 0, st->text(2));
    }
  }
  auto families = db.prepare("SELECT id, status FROM family ORDER BY id");
  if (!families) return families.error();
  Cursor typed(db,
               "SELECT family_id, indicator, COALESCE(person_id, ''), date, value, source "
               "FROM family_evidence ORDER BY family_id, date, pk");
  Cursor fed(db,
             "SELECT p.family_id, e.indicator, e.person_id, e.date, e.value, e.source "
             "FROM evidence e JOIN person p ON p.id = e.person_id WHERE e.state = 'attached' "
             "ORDER BY p.family_id, e.date, e.pk");
  Cursor members(db,
                 "SELECT family_id, id, given_name, surname, dob, role FROM person "
                 "ORDER BY family_id, dob, pk");
  SF_TRY(typed.start());
  SF_TRY(fed.start());
  SF_TRY(members.start());
  EvidenceFamily f;
  for (;;) {
    auto r = families->step();
    if (!r) return r.error();
    if (!*r) break;
    f.id = families->text(0);
    f.typed.clear();
    f.fed.clear();
    SF_TRY(typed.take(f.id, [&f](sql::Stmt& s) { f.typed.push_back(evidence_row(s)); }));
    SF_TRY(fed.take(f.id, [&f](sql::Stmt& s) { f.fed.push_back(evidence_row(s)); }));
    if (f.typed.empty() && f.fed.empty()) continue;
    f.status = families->text(1);
    f.members.clear();
    SF_TRY(members.take(f.id, [&](sql::Stmt& s) {
      EvidenceMember m{s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), std::nullopt, ""};
      if (auto it = membership.find(m.id); it != membership.end()) {
        m.resident = it->second.first;
        m.relationship = it->second.second;
      }
      f.members.push_back(std::move(m));
    }));
    SF_TRY(visit(f));
  }
  return Ok{};
}

}  // namespace sfcohort::db

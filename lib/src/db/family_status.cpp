// A family's status history (schema/0006_family_status.sql): the Store
// methods declared in its "family status" block. Which changes are allowed
// is decided above (lib/src/cohort/family.cpp); here they are only stored.
#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {
namespace {

constexpr const char* kChangeCols = "status, on_date, reason, outcome, recorded_at, recorded_by";

FamilyStatusChange read_change(const sql::Stmt& st) {
  return FamilyStatusChange{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)};
}

}  // namespace

Status Store::record_family_status(const std::string& family_id, const FamilyStatusChange& c) {
  auto ins = cached(std::string("INSERT INTO family_status(family_id, ") + kChangeCols +
                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!ins) return ins.error();
  (*ins)->bind(1, family_id).bind(2, c.status).bind(3, c.on_date).bind(4, c.reason);
  (*ins)->bind(5, c.outcome).bind(6, c.recorded_at).bind(7, c.recorded_by);
  SF_TRY((*ins)->run());
  auto up = cached(
      "UPDATE family SET status = ?2, closed_on = CASE WHEN ?2 = 'closed' THEN ?3 END, "
      "updated_at = ?4 WHERE id = ?1");
  if (!up) return up.error();
  (*up)->bind(1, family_id).bind(2, c.status).bind(3, c.on_date).bind(4, c.recorded_at);
  return (*up)->run();
}

Result<std::vector<FamilyStatusChange>> Store::family_status_history(const std::string& family_id) {
  auto st = cached(std::string("SELECT ") + kChangeCols +
                   " FROM family_status WHERE family_id = ?1 ORDER BY pk");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  std::vector<FamilyStatusChange> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_change(**st));
  }
  (*st)->reset();
  return out;
}

Result<std::optional<FamilyStatusChange>> Store::family_closure(const std::string& family_id) {
  auto st = cached(std::string("SELECT ") + kChangeCols +
                   " FROM family_status WHERE family_id = ?1 AND status = 'closed' AND "
                   "EXISTS (SELECT 1 FROM family WHERE id = ?1 AND status = 'closed') "
                   "ORDER BY pk DESC LIMIT 1");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  auto r = (*st)->step();
  if (!r) return r.error();
  std::optional<FamilyStatusChange> out;
  if (*r) out = read_change(**st);
  (*st)->reset();
  return out;
}

Result<std::vector<std::string>> Store::closed_family_ids() {
  // A closed family has its closed_on (record_family_status sets both): the
  // partial index on closed_on finds them without reading every family.
  return db::column_texts(cached(
      "SELECT id FROM family WHERE closed_on IS NOT NULL AND status = 'closed' ORDER BY id"));
}

Result<std::vector<std::string>> Store::nominations_naming_person(const std::string& person_id) {
  auto st = cached(
      "SELECT DISTINCT nomination_id FROM nomination_member "
      "WHERE person_id = ?1 OR matched_person = ?1 ORDER BY nomination_id");
  if (st) (*st)->bind(1, person_id);
  return db::column_texts(st);
}

Result<std::vector<std::string>> Store::nominations_of_family(const std::string& family_id) {
  auto st = cached(
      "SELECT id FROM nomination WHERE family_id = ?1 UNION "
      "SELECT nomination_id FROM nomination_member WHERE matched_family = ?1 ORDER BY 1");
  if (st) (*st)->bind(1, family_id);
  return db::column_texts(st);
}

Status Store::each_active_person(
    const std::function<Status(const std::string& family_id, const std::string& person_id)>& fn) {
  // Its own statement: FN may use the store's cached ones meanwhile.
  auto st = db().prepare(
      "SELECT p.family_id, p.id FROM family f JOIN person p ON p.family_id = f.id "
      "WHERE f.status = 'cohort' ORDER BY f.id, p.pk");
  if (!st) return st.error();
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) return Ok{};
    SF_TRY(fn(st->text(0), st->text(1)));
  }
}

}  // namespace sfcohort

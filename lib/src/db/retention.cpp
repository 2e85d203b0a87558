// The retention schedule and the disposal deletes (db/retention_rows.hpp).
#include "db/retention_rows.hpp"
#include "db/sqlite.hpp"
#include "db/store_access.hpp"

namespace sfcohort::db {
namespace {

Status run_with(Store& store, const char* sql, const std::string& id) {
  auto st = cached(store, sql);
  if (!st) return st.error();
  (*st)->bind(1, id);
  return (*st)->run();
}

}  // namespace

Result<std::vector<RetentionRule>> retention_rules(Store& store) {
  auto st =
      cached(store, "SELECT class, duration, updated_at, updated_by FROM retention ORDER BY class");
  if (!st) return st.error();
  return rows_of(st, [](sql::Stmt& s) -> RetentionRule {
    return {s.text(0), s.text(1), s.text(2), s.text(3)};
  });
}

Status set_retention_rule(Store& store, const RetentionRule& r) {
  auto st = cached(store,
                   "INSERT INTO retention(class, duration, updated_at, updated_by) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (class) DO UPDATE SET "
                   "duration = excluded.duration, updated_at = excluded.updated_at, "
                   "updated_by = excluded.updated_by");
  if (!st) return st.error();
  (*st)->bind(1, r.cls).bind(2, r.duration).bind(3, r.updated_at).bind(4, r.updated_by);
  return (*st)->run();
}

Result<std::vector<std::pair<std::string, int64_t>>> families_closed_by(Store& store,
                                                                        const std::string& cutoff) {
  auto st = cached(store,
                   "SELECT f.id, (SELECT count(*) FROM person p WHERE p.family_id = f.id) "
                   "FROM family f WHERE f.status = 'closed' AND f.closed_on <= ?1 ORDER BY f.id");
  if (!st) return st.error();
  (*st)->bind(1, cutoff);
  std::vector<std::pair<std::string, int64_t>> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    out.emplace_back((*st)->text(0), (*st)->int64(1));
  }
  (*st)->reset();
  return out;
}

Result<std::vector<std::string>> nominations_rejected_by(Store& store, const std::string& cutoff) {
  auto st = cached(store,
                   "SELECT id FROM nomination WHERE status = 'rejected' AND "
                   "substr(decided_at, 1, 10) <= ?1 ORDER BY id");
  if (!st) return st.error();
  (*st)->bind(1, cutoff);
  return column_texts(st);
}

Status delete_family(Store& store, const std::string& family_id) {
  // Children before parents, so every foreign key holds at each step.
  static const char* const kDeletes[] = {
      "UPDATE nomination_member SET person_id = NULL WHERE person_id IN "
      "(SELECT id FROM person WHERE family_id = ?1)",
      "DELETE FROM family_evidence WHERE family_id = ?1 OR person_id IN "
      "(SELECT id FROM person WHERE family_id = ?1) OR nomination_id IN "
      "(SELECT id FROM nomination WHERE family_id = ?1)",
      "DELETE FROM family_agency WHERE family_id = ?1 OR nomination_id IN "
      "(SELECT id FROM nomination WHERE family_id = ?1)",
      "DELETE FROM family_consent WHERE family_id = ?1 OR nomination_id IN "
      "(SELECT id FROM nomination WHERE family_id = ?1)",
      "DELETE FROM nomination_member WHERE nomination_id IN "
      "(SELECT id FROM nomination WHERE family_id = ?1)",
      "DELETE FROM nomination WHERE family_id = ?1",
      "DELETE FROM family_status WHERE family_id = ?1",
      // Partners' feed rows about its people, attached or awaiting review
      // (the foreign key cascades too; said here so that it does not rest
      // on it).
      "DELETE FROM evidence WHERE person_id IN (SELECT id FROM person WHERE family_id = ?1)",
      "DELETE FROM person WHERE family_id = ?1",
      "DELETE FROM family WHERE id = ?1",
  };
  for (const char* q : kDeletes) SF_TRY(run_with(store, q, family_id));
  return Ok{};
}

Status delete_nomination(Store& store, const std::string& id) {
  SF_TRY(run_with(store, "DELETE FROM nomination_member WHERE nomination_id = ?1", id));
  return run_with(store, "DELETE FROM nomination WHERE id = ?1", id);
}

}  // namespace sfcohort::db

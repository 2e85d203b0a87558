#include "db/person_history.hpp"

#include "db/store_access.hpp"

namespace sfcohort::db {

Status record_person_change(Store& store, int64_t person_pk, const std::string& field,
                            const std::string& old_value, const std::string& new_value,
                            const std::string& at) {
  auto st = cached(store,
                   "INSERT INTO person_change(person_pk, field, old_value, new_value, changed_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st) return st.error();
  (*st)->bind(1, person_pk).bind(2, field).bind(3, old_value).bind(4, new_value).bind(5, at);
  return (*st)->run();
}

Result<std::vector<PersonChange>> person_changes(Store& store, const std::string& person_id) {
  auto st = cached(store,
                   "SELECT c.field, c.old_value, c.new_value, c.changed_at FROM person_change c "
                   "JOIN person p ON p.pk = c.person_pk WHERE p.id = ?1 ORDER BY c.pk");
  if (!st) return st.error();
  (*st)->bind(1, person_id);
  return rows_of(st, [](sql::Stmt& s) -> PersonChange {
    return {s.text(0), s.text(1), s.text(2), s.text(3)};
  });
}

Status link_person_alias(Store& store, const std::string& alias, int64_t person_pk,
                         const std::string& at) {
  auto st =
      cached(store, "INSERT INTO person_alias(alias, person_pk, linked_at) VALUES (?1, ?2, ?3)");
  if (!st) return st.error();
  (*st)->bind(1, alias).bind(2, person_pk).bind(3, at);
  return (*st)->run();
}

Result<std::optional<Person>> person_by_alias(Store& store, const std::string& alias) {
  auto st = cached(store, "SELECT person_pk FROM person_alias WHERE alias = ?1");
  if (!st) return st.error();
  (*st)->bind(1, alias);
  auto r = (*st)->step();
  if (!r) return r.error();
  std::optional<int64_t> pk;
  if (*r) pk = (*st)->int64(0);
  (*st)->reset();
  if (!pk) return std::optional<Person>();
  return store.person_by_pk(*pk);
}

Result<std::vector<std::string>> linked_ids(Store& store) {
  return column_texts(cached(store, "SELECT alias FROM person_alias"));
}

Result<std::vector<std::string>> person_aliases(Store& store, const std::string& person_id) {
  auto st = cached(store,
                   "SELECT a.alias FROM person_alias a JOIN person p ON p.pk = a.person_pk "
                   "WHERE p.id = ?1 ORDER BY a.linked_at, a.alias");
  if (st) (*st)->bind(1, person_id);
  return column_texts(st);
}

}  // namespace sfcohort::db

#include "db/export_rows.hpp"
#include "db/store_access.hpp"

#include "db/sqlite.hpp"

namespace sfcohort::db {

Status each_export_person(Store& store, const std::string& status,
                          const std::function<Status(const ExportPerson&)>& visit) {
  auto st = db::connection(store).prepare(
      "SELECT f.id, p.id, p.given_name, p.middle_names, p.surname, p.dob, p.sex, p.role, "
      "p.postcode, p.house, p.address, COALESCE(p.joined_on, f.joined_on, ''), f.lead_agency, "
      "f.lead_contact FROM family f JOIN person p ON p.family_id = f.id "
      "WHERE (?1 = 'all' OR f.status = ?1) ORDER BY f.id, p.pk");
  if (!st) return st.error();
  st->bind(1, status);
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    ExportPerson p{st->text(0),  st->text(1),  st->text(2),  st->text(3), st->text(4),
                   st->text(5),  st->text(6),  st->text(7),  st->text(8), st->text(9),
                   st->text(10), st->text(11), st->text(12), st->text(13)};
    SF_TRY(visit(p));
  }
  return Ok{};
}

}  // namespace sfcohort::db

#include "db/bulk_pg.hpp"

#include <functional>

#include "db/sql.hpp"

namespace sfcohort::pg_bulk {
namespace {

// Rows sent at once; pks taken from the sequence at once (several sends'
// worth, so that taking them seldom waits for a send).
constexpr size_t kRows = 8192;
constexpr size_t kPks = 8 * kRows;

constexpr const char* kPersonCols =
    "pk, id, family_id, given_name, middle_names, surname, dob, sex, role, postcode, house, "
    "address, joined_on, extra, created_at, updated_at";
constexpr const char* kFamilyCols =
    "id, status, joined_on, lead_agency, lead_contact, created_at, updated_at";

uint64_t hash_id(std::string_view id) { return std::hash<std::string_view>{}(id); }

Status load_ids(sql::Db& db, const char* table, std::unordered_set<uint64_t>& out) {
  return db.copy_out(std::string("SELECT id FROM ") + table, [&](const sql::CopyRow& r) {
    out.insert(hash_id(r.text_view(0)));
    return true;
  });
}

void field_or_null(std::string& row, const std::optional<std::string>& v) {
  if (v)
    sql::copy_field(row, *v);
  else
    sql::copy_null(row);
}

}  // namespace

Result<std::unique_ptr<Writer>> Writer::begin(sql::Db& db) {
  std::unique_ptr<Writer> w(new Writer(db));
  // New people's keys come from the person table's sequence in blocks:
  // other writers of people wait until the load ends (readers do not), as
  // they would for an import on SQLite.
  SF_TRY(db.exec("LOCK TABLE person IN SHARE ROW EXCLUSIVE MODE"));
  SF_TRY(load_ids(db, "person", w->people_));
  SF_TRY(load_ids(db, "family", w->families_));
  Writer* raw = w.get();
  db.conn().set_before_statement([raw]() { return raw->flush(); });
  return w;
}

Writer::~Writer() { db_.conn().set_before_statement({}); }

bool Writer::may_have_person(std::string_view id) const { return people_.count(hash_id(id)) != 0; }
bool Writer::may_have_family(std::string_view id) const {
  return families_.count(hash_id(id)) != 0;
}

Result<int64_t> Writer::add_person(const Person& p, const std::string& now) {
  if (next_pk_ == pks_.size()) {
    SF_TRY(flush());  // the query below would flush anyway
    pks_.clear();
    next_pk_ = 0;
    // A block of the sequence at once: the load holds the table's lock, so
    // no other insert takes a value from it meanwhile.
    auto last = db_.scalar_int(
        "SELECT setval(pg_get_serial_sequence('sfcohort.person', 'pk'), "
        "nextval(pg_get_serial_sequence('sfcohort.person', 'pk')) + " +
        std::to_string(kPks - 1) + ")");
    if (!last) return last.error();
    for (int64_t k = *last - static_cast<int64_t>(kPks) + 1; k <= *last; ++k) pks_.push_back(k);
  }
  const int64_t pk = pks_[next_pk_++];
  std::string& row = person_rows_;
  sql::copy_field(row, std::to_string(pk), true);
  for (const std::string* f : {&p.id, &p.family_id, &p.given_name, &p.middle_names, &p.surname,
                               &p.dob, &p.sex, &p.role, &p.postcode, &p.house, &p.address})
    sql::copy_field(row, *f);
  field_or_null(row, p.joined_on);
  sql::copy_field(row, p.extra);
  sql::copy_field(row, now);
  sql::copy_field(row, now);
  row += '\n';
  people_.insert(hash_id(p.id));
  if (++buffered_ >= kRows) SF_TRY(flush(true));
  return pk;
}

void Writer::add_family(const Family& f, const std::string& now) {
  std::string& row = family_rows_;
  sql::copy_field(row, f.id, true);
  sql::copy_field(row, f.status);
  field_or_null(row, f.joined_on);
  sql::copy_field(row, f.lead_agency);
  sql::copy_field(row, f.lead_contact);
  sql::copy_field(row, now);
  sql::copy_field(row, now);
  row += '\n';
  families_.insert(hash_id(f.id));
  ++buffered_;
}

Status Writer::flush(bool later) {
  if (buffered_ == 0) return Ok{};
  // Taken first: a failure below must not send the same rows twice. Every id
  // is new (may_have_*), so the rows are copied into the tables themselves;
  // a family before its people.
  sql::Conn::Copies copies;
  if (!family_rows_.empty())
    copies.emplace_back(std::string("COPY family (") + kFamilyCols + ") FROM STDIN",
                        std::move(family_rows_));
  if (!person_rows_.empty())
    copies.emplace_back(std::string("COPY person (") + kPersonCols + ") FROM STDIN",
                        std::move(person_rows_));
  family_rows_.clear();
  person_rows_.clear();
  buffered_ = 0;
  // A full buffer is sent while the import reads on; the hook's flush (a
  // statement waits for the rows) is sent at once.
  if (later) return db_.copy_in_later(std::move(copies));
  for (const auto& [copy_sql, data] : copies) SF_TRY(db_.copy_in(copy_sql, data));
  return Ok{};
}

}  // namespace sfcohort::pg_bulk

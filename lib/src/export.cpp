#include "sfcohort/export.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "sfcohort/csv.hpp"
#include "sqlite.hpp"

namespace sfcohort::exporting {
namespace {

const std::vector<std::string> kBasic = {"family_id",   "person_id",   "given_name", "middle_names",
                                         "surname",     "dob",         "sex",        "role",
                                         "postcode",    "house",       "address",    "joined_on",
                                         "lead_agency", "lead_contact"};

std::vector<std::string> full_columns() {
  auto c = kBasic;
  for (const char* k : {"criteria_met", "evidence", "agencies", "consent"}) c.push_back(k);
  return c;
}

Result<bool> has_table(Store& store, const char* name) {
  auto st =
      store.db().prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  if (!st) return st.error();
  st->bind(1, name);
  auto r = st->step();
  if (!r) return r.error();
  return st->int64(0) > 0;
}

}  // namespace

const std::vector<std::string>& columns(const std::string& fields) {
  static const std::vector<std::string> kFull = full_columns();
  return fields == "full" ? kFull : kBasic;
}

Result<Table> build(Store& store, const Options& opt) {
  if (opt.status != "cohort" && opt.status != "nominated" && opt.status != "all") {
    return invalid_input("--status: '" + opt.status + "' is not cohort, nominated or all");
  }
  if (opt.fields != "basic" && opt.fields != "full") {
    return invalid_input("--fields: '" + opt.fields + "' is not basic or full");
  }
  if (opt.format != "csv" && opt.format != "json") {
    return invalid_input("--format: '" + opt.format + "' is not csv or json");
  }
  if (opt.fields == "full") {
    auto has = has_table(store, "family_evidence");
    if (!has) return has.error();
    if (!*has) {
      return Error(
          Errc::kInvalidInput,
          "--fields full: this database holds no nomination records (evidence, "
          "agencies, consent) to export",
          {"export --fields basic, or accept nominations with 'sfcohort nominate decide' first"});
    }
    return Error(Errc::kInvalidInput, "--fields full is not available in this build yet",
                 {"export --fields basic"});
  }
  std::set<std::string> wanted;
  for (const auto& id : opt.families) {
    auto f = store.family(id);
    if (!f) return f.error();
    if (!*f) {
      return Error(Errc::kInvalidInput, "unknown family '" + id + "'",
                   {"family ids are as imported, e.g. F000123"});
    }
    wanted.insert((*f)->id);
  }
  auto st = store.db().prepare(
      "SELECT f.id, p.id, p.given_name, p.middle_names, p.surname, p.dob, p.sex, p.role, "
      "p.postcode, p.house, p.address, COALESCE(p.joined_on, f.joined_on, ''), f.lead_agency, "
      "f.lead_contact FROM family f JOIN person p ON p.family_id = f.id "
      "WHERE (?1 = 'all' OR f.status = ?1) ORDER BY f.id, p.pk");
  if (!st) return st.error();
  st->bind(1, opt.status);
  Table t;
  const auto& cols = columns(opt.fields);
  std::string json_rows;  // one object per line, columns in profile order
  if (opt.format == "csv") append_csv_row(t.text, cols);
  std::set<std::string> seen;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    std::string fid = st->text(0);
    if (!wanted.empty() && !wanted.count(fid)) continue;
    std::vector<std::string> row;
    for (size_t i = 0; i < kBasic.size(); ++i) row.push_back(st->text(static_cast<int>(i)));
    if (opt.format == "csv") {
      append_csv_row(t.text, row);
    } else {
      nlohmann::ordered_json o = nlohmann::ordered_json::object();
      for (size_t i = 0; i < row.size(); ++i) o[cols[i]] = row[i];
      json_rows += (json_rows.empty() ? "[\n" : ",\n") + o.dump();
    }
    ++t.people;
    seen.insert(fid);
  }
  if (opt.format == "json") t.text = json_rows.empty() ? "[]\n" : json_rows + "\n]\n";
  // A family asked for by id but not exported (another status) is withheld,
  // not silently dropped.
  for (const auto& id : wanted) {
    if (!seen.count(id)) t.withheld.push_back({id, "status is not '" + opt.status + "'"});
  }
  t.families.assign(seen.begin(), seen.end());
  return t;
}

}  // namespace sfcohort::exporting

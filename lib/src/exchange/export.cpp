#include "sfcohort/export.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "db/export_rows.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/nomination.hpp"

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

// The full profile's four fields for one person of a family: the criteria
// met and the agencies (the family's), the evidence about this person or the
// whole household (not about other members), and the consent.
std::vector<nlohmann::ordered_json> full_fields(const nomination::Dossier& d,
                                                const std::string& person_id) {
  nlohmann::ordered_json criteria = d.criteria_met;
  nlohmann::ordered_json evidence = nlohmann::ordered_json::array();
  for (const auto& e : d.evidence) {
    if (!e.person_id.empty() && e.person_id != person_id) continue;
    nlohmann::ordered_json o = {{"indicator", e.indicator}, {"date", e.date}};
    if (e.value) o["value"] = *e.value;
    o["household"] = e.person_id.empty();
    o["source"] = e.source;
    evidence.push_back(std::move(o));
  }
  nlohmann::ordered_json agencies = nlohmann::ordered_json::array();
  for (const auto& a : d.agencies) {
    agencies.push_back(
        {{"name", a.name}, {"role", a.role}, {"contact", a.contact}, {"lead", a.lead}});
  }
  nlohmann::ordered_json consent = nullptr;
  if (d.consent) {
    consent = {{"given", d.consent->given},
               {"date", d.consent->date},
               {"by", d.consent->by},
               {"legal_basis", d.consent->legal_basis}};
  }
  return {criteria, evidence, agencies, consent};
}

}  // namespace

const std::vector<std::string>& columns(const std::string& fields) {
  static const std::vector<std::string> kFull = full_columns();
  return fields == "full" ? kFull : kBasic;
}

Status check_recipients(const std::vector<std::string>& recipients, const std::string& fields) {
  if (!recipients.empty() && fields == "full") {
    return Error(Errc::kPolicy,
                 "the full profile is refused for a recipient outside the partner register",
                 {"register the partner with its agreements, allowed the full profile"});
  }
  return Ok{};
}

namespace {

// The table being built, one person at a time.
struct Builder {
  Store& store;
  const Options& opt;
  const std::set<std::string>& wanted;
  Table t;
  std::string json_rows;  // one object per line, columns in profile order
  std::set<std::string> seen, withheld;
  // Rows come grouped by family: the dossier is read once per family.
  std::string dossier_family;
  nomination::Dossier dossier;

  Status add(const db::ExportPerson& p) {
    const std::string& fid = p.family_id;
    if (!wanted.empty() && !wanted.count(fid)) return Ok{};
    if (withheld.count(fid)) return Ok{};
    std::vector<std::string> row = {p.family_id,   p.person_id,   p.given_name, p.middle_names,
                                    p.surname,     p.dob,         p.sex,        p.role,
                                    p.postcode,    p.house,       p.address,    p.joined_on,
                                    p.lead_agency, p.lead_contact};
    std::vector<nlohmann::ordered_json> extra;
    if (opt.fields == "full") {
      if (fid != dossier_family) {
        auto d = nomination::family_dossier(store, fid);
        if (!d) return d.error();
        dossier = std::move(*d);
        dossier_family = fid;
      }
      if (!dossier.consent || !dossier.consent->given) {
        withheld.insert(fid);
        t.withheld.push_back(
            {fid, dossier.consent ? "consent was refused" : "no consent is recorded"});
        return Ok{};
      }
      extra = full_fields(dossier, row[1]);
    }
    if (opt.format == "csv" || opt.format == "xlsx") {
      // In CSV and workbooks the structured fields are JSON text.
      for (const auto& e : extra) row.push_back(e.is_null() ? std::string() : e.dump());
      if (t.workbook)
        SF_TRY(t.workbook->row(row));
      else
        append_csv_row(t.text, row);
    } else {
      const auto& cols = columns(opt.fields);
      nlohmann::ordered_json o = nlohmann::ordered_json::object();
      for (size_t i = 0; i < row.size(); ++i) o[cols[i]] = row[i];
      for (size_t i = 0; i < extra.size(); ++i) o[cols[kBasic.size() + i]] = extra[i];
      json_rows += (json_rows.empty() ? "[\n" : ",\n") + o.dump();
    }
    ++t.people;
    t.disclosed.push_back({p.person_id, fid, ""});
    seen.insert(fid);
    return Ok{};
  }
};

}  // namespace

Result<Table> build(Store& store, const Options& opt) {
  if (opt.status != "cohort" && opt.status != "nominated" && opt.status != "all") {
    return invalid_input("status: '" + opt.status + "' is not cohort, nominated or all");
  }
  if (opt.fields != "basic" && opt.fields != "full") {
    return invalid_input("fields: '" + opt.fields + "' is not basic or full");
  }
  if (opt.format != "csv" && opt.format != "json" && opt.format != "xlsx") {
    return invalid_input("format: '" + opt.format + "' is not csv, json or xlsx");
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
  Builder b{store, opt, wanted, {}, {}, {}, {}, {}, {}};
  if (opt.format == "csv") append_csv_row(b.t.text, columns(opt.fields));
  if (opt.format == "xlsx") {
    auto w = xlsx::Writer::create(opt.workbook_path, "cohort");
    if (!w) return w.error();
    b.t.workbook = std::make_shared<xlsx::Writer>(std::move(*w));
    const auto& cols = columns(opt.fields);
    std::vector<xlsx::Writer::Kind> kinds(cols.size(), xlsx::Writer::Kind::kText);
    for (size_t i = 0; i < cols.size(); ++i)
      if (cols[i] == "dob" || cols[i] == "joined_on") kinds[i] = xlsx::Writer::Kind::kDate;
    SF_TRY(b.t.workbook->header(cols, kinds));
  }
  SF_TRY(db::each_export_person(store, opt.status,
                                [&b](const db::ExportPerson& p) { return b.add(p); }));
  Table& t = b.t;
  if (opt.format == "json") t.text = b.json_rows.empty() ? "[]\n" : b.json_rows + "\n]\n";
  // A family asked for by id but not exported (another status) is withheld,
  // not silently dropped.
  for (const auto& id : wanted) {
    if (!b.seen.count(id) && !b.withheld.count(id))
      t.withheld.push_back({id, "status is not '" + opt.status + "'"});
  }
  t.families.assign(b.seen.begin(), b.seen.end());
  return std::move(t);
}

}  // namespace sfcohort::exporting

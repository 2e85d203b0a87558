// sfcohort identify: every household holding evidence, cohort families and
// candidates outside the cohort, evaluated against a criteria set.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "check.hpp"
#include "cli.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/identify.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/nomination.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/xlsx.hpp"

namespace sfcohort::cli {
namespace {

struct IdentifyCmd {
  std::string criteria, as_of, legal_basis;
  bool only_new = false, nominate = false;
  std::string format = "text", output = "-";
};

std::string people_text(const identify::HouseholdResult& r) {
  std::string s;
  for (const auto& p : r.people)
    s += (s.empty() ? "" : "; ") + p.id + " " + p.given_name + " " + p.surname + " (" + p.dob +
         ", " + p.role + ")";
  return s;
}

std::string address_text(const identify::HouseholdResult& r) {
  std::string s = r.house;
  if (!r.address.empty()) s += (s.empty() ? "" : " ") + r.address;
  if (!r.postcode.empty()) s += (s.empty() ? "" : ", ") + r.postcode;
  return s;
}

std::string met_text(const criteria::Outcome& o) {
  std::string s;
  for (int id : o.met) s += (s.empty() ? "" : ";") + std::to_string(id);
  return s;
}

// Each criterion met with its evidence: "2: Tyler: attendance 84% < 90% ...".
std::string evidence_text(const identify::HouseholdResult& r) {
  std::string s;
  for (const auto& c : r.outcome.criteria) {
    if (!c.met) continue;
    for (const auto& b : c.because) {
      auto it = r.names.find(b.member);
      s += (s.empty() ? "" : " | ") + std::to_string(c.id) + ": " +
           (it == r.names.end() ? "" : it->second + ": ") + b.detail;
    }
  }
  return s;
}

const std::vector<std::string> kColumns = {
    "household", "in_cohort", "family_id",    "status",        "eligible",
    "counted",   "threshold", "criteria_met", "evidence",      "people",
    "address",   "why",       "nomination",   "pending_review"};

std::vector<std::string> row_of(const identify::HouseholdResult& r) {
  return {r.key,
          r.in_cohort ? "yes" : "no",
          r.family_id,
          r.in_cohort ? r.family_status : "candidate",
          r.outcome.eligible ? "yes" : "no",
          std::to_string(r.outcome.counted),
          std::to_string(r.outcome.threshold),
          met_text(r.outcome),
          evidence_text(r),
          people_text(r),
          address_text(r),
          r.why,
          r.nomination_id.empty() ? "" : r.nomination_id + " (" + r.nomination_status + ")",
          r.in_cohort ? "" : std::to_string(r.pending_review)};
}

std::string text_of(const identify::Identified& id) {
  std::string out;
  for (const auto& r : id.households) {
    if (r.in_cohort) {
      out += r.family_id + " — in the cohort (" + r.family_status + ")\n";
    } else {
      out += "candidate " + r.key + " — not in the cohort\n";
      out += "  address: " + address_text(r) + "\n";
      for (const auto& p : r.people)
        out += "  " + p.id + ": " + p.given_name + " " + p.surname + ", born " + p.dob + " (" +
               p.role + ")\n";
    }
    out += "  why: " + r.why + "\n";
    if (!r.nomination_id.empty())
      out += "  nomination: " + r.nomination_id + " (" + r.nomination_status + ")\n";
    out += "  " + outcome_text(r.outcome, id.summary, r.names);
    out += "\n";
  }
  auto count = [](int n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  out += count(id.cohort_evaluated, "cohort family", "cohort families") + " with evidence (" +
         std::to_string(id.cohort_eligible) + " eligible), " +
         count(id.candidates, "candidate household", "candidate households") + " (" +
         std::to_string(id.candidates_eligible) + " eligible); " + std::to_string(id.listed) +
         " listed\n";
  if (!id.nominated.empty()) {
    out += "nominated (pending, for the team to decide):";
    for (const auto& n : id.nominated) out += " " + n;
    out += "\n";
  }
  return out;
}

std::string json_of(const identify::Identified& id) {
  nlohmann::ordered_json j = {{"schema", "sfcohort.identify.v1"},
                              {"criteria_set", id.criteria_set},
                              {"as_of", id.as_of.iso()},
                              {"families", id.cohort_evaluated},
                              {"families_eligible", id.cohort_eligible},
                              {"candidates", id.candidates},
                              {"candidates_eligible", id.candidates_eligible},
                              {"nominated", id.nominated}};
  auto hs = nlohmann::ordered_json::array();
  for (const auto& r : id.households) {
    nlohmann::ordered_json h = {{"household", r.key}, {"in_cohort", r.in_cohort}};
    if (r.in_cohort) {
      h["family_id"] = r.family_id;
      h["status"] = r.family_status;
    } else {
      h["address"] = {{"house", r.house}, {"address", r.address}, {"postcode", r.postcode}};
      auto ps = nlohmann::ordered_json::array();
      for (const auto& p : r.people)
        ps.push_back({{"id", p.id},
                      {"given_name", p.given_name},
                      {"surname", p.surname},
                      {"dob", p.dob},
                      {"sex", p.sex},
                      {"role", p.role}});
      h["people"] = ps;
      h["pending_review"] = {{"rows", r.pending_review}, {"possibly", r.possibly}};
    }
    h["why"] = r.why;
    h["nomination"] =
        r.nomination_id.empty()
            ? nlohmann::ordered_json()
            : nlohmann::ordered_json{{"id", r.nomination_id}, {"status", r.nomination_status}};
    h["result"] = nomination::outcome_json(r.outcome);
    hs.push_back(h);
  }
  j["households"] = hs;
  return j.dump(2) + "\n";
}

Result<int> run_identify(const Globals& g, const IdentifyCmd& o) {
  if (o.format == "xlsx" && o.output == "-")
    return Error(Errc::kInvalidInput, "--format xlsx writes a file, not standard output",
                 {"name the workbook with --output FILE.xlsx"});
  if (o.nominate && o.legal_basis.empty())
    return Error(Errc::kInvalidInput, "--nominate needs --legal-basis TEXT",
                 {"the nominations record why the data may be used, e.g. --legal-basis \"UK "
                  "GDPR Art 6(1)(e); Art 9(2)(g)\""});
  identify::Options opt;
  opt.criteria = o.criteria;
  if (!o.as_of.empty()) {
    auto d = parse_date(o.as_of);
    if (!d) return d.error().with_context("--as-of");
    opt.as_of = *d;
  }
  opt.only_new = o.only_new;
  opt.nominate = o.nominate;
  opt.legal_basis = o.legal_basis;
  auto store = Store::open(g.context("identify"));
  if (!store) return store.error();
  // A workbook or file is created before anything is evaluated, so a folder
  // that cannot be written fails first.
  std::optional<xlsx::Writer> book;
  std::optional<AtomicFile> file;
  if (o.format == "xlsx") {
    auto b = xlsx::Writer::create(o.output, "households");
    if (!b) return b.error();
    book.emplace(std::move(*b));
  } else {
    auto f = AtomicFile::create(o.output, 0600);
    if (!f) return f.error();
    file.emplace(std::move(*f));
  }
  // A workbook or CSV file takes each household as it is evaluated; text
  // and JSON are written from the whole listing.
  std::string text;
  identify::Listed each;
  if (book) {
    std::vector<xlsx::Writer::Kind> kinds(kColumns.size(), xlsx::Writer::Kind::kText);
    kinds[5] = kinds[6] = xlsx::Writer::Kind::kNumber;
    SF_TRY(book->header(kColumns, kinds));
    each = [&book](const identify::HouseholdResult& r) { return book->row(row_of(r)); };
  } else if (o.format == "csv") {
    append_csv_row(text, kColumns);
    each = [&text, &file](const identify::HouseholdResult& r) -> Status {
      append_csv_row(text, row_of(r));
      if (text.size() < (1u << 20)) return Ok{};
      SF_TRY(file->write(text));
      text.clear();
      return Ok{};
    };
  }
  auto id = identify::identify(*store, opt, each);
  if (!id) return id.error();
  if (book) {
    SF_TRY(book->commit());
  } else {
    if (o.format == "json") text = json_of(*id);
    if (o.format == "text") text = text_of(*id);
    SF_TRY(file->write(text));
    SF_TRY(file->commit());
  }
  if (o.output != "-") note(g, "identify: " + o.output);
  if (!id->nominated.empty() && o.format != "text")
    note(g, std::to_string(id->nominated.size()) + " nominations made, pending");
  return id->listed == 0 ? 1 : 0;
}

}  // namespace

void add_identify(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<IdentifyCmd>();
  CLI::App* sub = app.add_subcommand(
      "identify", "evaluate every household holding evidence, in the cohort or not");
  sub->add_option("--criteria", o->criteria,
                  "criteria set: a shipped name or a file (default the database's)")
      ->type_name("NAME|FILE");
  sub->add_option("--as-of", o->as_of, "evaluate as of this date (default today)")
      ->type_name("DATE");
  sub->add_flag("--new", o->only_new,
                "only eligible households not in the cohort and not yet nominated");
  sub->add_flag("--nominate", o->nominate,
                "submit a pending nomination for each of those (implies --new)");
  sub->add_option("--legal-basis", o->legal_basis, "with --nominate: the nominations' legal basis");
  sub->add_option("--format", o->format, "text, csv, json or xlsx")
      ->check(CLI::IsMember({"text", "csv", "json", "xlsx"}));
  sub->add_option("--output", o->output, "write here (default - for standard output)");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_identify(g, *o); }; });
}

}  // namespace sfcohort::cli

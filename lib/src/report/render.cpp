// The report as a terminal table, as CSV (one figure per row) and as JSON.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "report/format.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/report.hpp"

namespace sfcohort::report {
namespace {

const char* const kStatuses[] = {"cohort", "nominated", "closed"};

std::string status_label(const std::string& s) { return s == "cohort" ? "active" : s; }

int64_t at(const std::map<std::string, int64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

std::string fixed(double x, int places) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", places, x);
  return buf;
}

std::string pad(const std::string& s, size_t w, bool right = false) {
  // Pads by code points, so names with accents line up.
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  if (n >= w) return s;
  return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
}

void text_caseload(std::ostream& out, const char* title, const std::vector<Caseload>& v) {
  out << "\n" << title << "\n";
  if (v.empty()) {
    out << "  (none recorded)\n";
    return;
  }
  out << "  " << pad("", 40) << pad("families", 10, true) << pad("people", 10, true) << "\n";
  for (const auto& c : v) {
    out << "  " << pad(c.name, 40) << pad(commas(c.families), 10, true)
        << pad(commas(c.people), 10, true) << "\n";
  }
}

void text_months(const Report& r, std::ostream& out) {
  out << "\nFamilies joined per month";
  if (r.target) {
    out << ", against the target of " << commas(r.target) << " families from "
        << r.target_from.iso() << " to " << r.target_to.iso();
  }
  out << "\n  " << pad("month", 9) << pad("joined", 8, true) << pad("cumulative", 12, true);
  if (r.target) out << pad("target", 10, true) << pad("progress", 10, true);
  out << "\n";
  for (const auto& m : r.months) {
    out << "  " << pad(m.month, 9) << pad(commas(m.joined), 8, true)
        << pad(commas(m.cumulative), 12, true);
    if (r.target) {
      out << pad(commas(static_cast<int64_t>(m.target + 0.5)), 10, true)
          << pad(m.target > 0 ? fixed(100.0 * m.cumulative / m.target, 0) + "%" : "", 10, true);
    }
    out << "\n";
  }
}

}  // namespace

void write_text(const Report& r, std::ostream& out) {
  out << "Stronger Families programme report, " << r.from.iso() << " to " << r.to.iso() << "\n";
  out << "criteria: " << r.criteria_set << " (" << r.threshold << ")\n\n";
  out << "  " << pad("", 10) << pad("families", 10, true) << pad("people", 10, true) << "\n";
  for (const char* s : kStatuses) {
    out << "  " << pad(status_label(s), 10) << pad(commas(at(r.families_by_status, s)), 10, true)
        << pad(commas(at(r.people_by_status, s)), 10, true) << "\n";
  }
  out << "  joined between " << r.from.iso() << " and " << r.to.iso() << ": "
      << commas(r.joined_in_period) << " families\n";
  text_months(r, out);
  const int64_t active = at(r.families_by_status, "cohort");
  out << "\nActive families meeting each criterion on " << r.to.iso() << " (of " << commas(active)
      << ")\n";
  for (const auto& c : r.criteria) {
    out << "  " << pad(std::to_string(c.id), 3) << pad(c.title, 44)
        << pad(commas(c.families), 8, true) << "\n";
  }
  out << "\nProblems per active family\n  ";
  for (size_t k = 0; k < r.problems_per_family.size(); ++k) {
    out << (k ? "   " : "") << k << ": " << commas(r.problems_per_family[k]);
  }
  out << "\n  mean " << fixed(r.mean_criteria, 1) << " criteria and " << fixed(r.mean_needs, 1)
      << " needs per family; " << commas(r.eligible) << " meet " << r.threshold << "\n";
  out << "\nClosures by outcome (" << commas(r.closed_in_period) << " closed between "
      << r.from.iso() << " and " << r.to.iso() << ")\n";
  if (r.closures.empty()) out << "  (none)\n";
  for (const auto& c : r.closures) {
    out << "  " << pad(c.outcome, 24) << pad(commas(c.families), 8, true) << "\n";
  }
  out << "\nTime in the programme (active families)\n  median " << commas(r.median_days)
      << " days, mean " << commas(r.mean_days) << " days";
  if (r.no_join_date) out << "; " << commas(r.no_join_date) << " without a joining date";
  out << "\n";
  if (!r.longest.empty()) out << "  longest:\n";
  for (const auto& l : r.longest) {
    out << "    " << pad(l.family_id, 12) << " joined " << l.joined_on
        << pad(commas(l.days), 8, true) << " days  " << l.lead_agency << "\n";
  }
  text_caseload(out, "Lead agencies", r.lead_agencies);
  text_caseload(out, "Lead professionals", r.lead_professionals);
  text_caseload(out, "Agencies working with families", r.agencies);
}

namespace {

// The tidy table of write_csv and write_xlsx, one figure a row (the header
// not included).
std::vector<std::vector<std::string>> figures(const Report& r) {
  std::vector<std::vector<std::string>> rows;
  auto row = [&rows](const std::string& section, const std::string& label, const std::string& value,
                     const std::string& extra = "") {
    rows.push_back({section, label, value, extra});
  };
  row("report", "from", r.from.iso());
  row("report", "to", r.to.iso());
  row("report", "criteria_set", r.criteria_set, r.threshold);
  for (const char* st : kStatuses) {
    row("families", status_label(st), std::to_string(at(r.families_by_status, st)));
    row("people", status_label(st), std::to_string(at(r.people_by_status, st)));
  }
  row("joined", "in_period", std::to_string(r.joined_in_period));
  for (const auto& m : r.months) {
    row("joined_per_month", m.month, std::to_string(m.joined), std::to_string(m.cumulative));
    if (r.target) row("target_cumulative", m.month, fixed(m.target, 1));
  }
  for (const auto& c : r.criteria)
    row("criterion", std::to_string(c.id), std::to_string(c.families), c.title);
  for (size_t k = 0; k < r.problems_per_family.size(); ++k)
    row("problems_per_family", std::to_string(k), std::to_string(r.problems_per_family[k]));
  row("problems", "mean_criteria", fixed(r.mean_criteria, 2));
  row("problems", "mean_needs", fixed(r.mean_needs, 2));
  row("problems", "eligible", std::to_string(r.eligible));
  for (const auto& c : r.closures) row("closures", c.outcome, std::to_string(c.families));
  row("closed", "in_period", std::to_string(r.closed_in_period));
  row("days_in_programme", "median", std::to_string(r.median_days));
  row("days_in_programme", "mean", std::to_string(r.mean_days));
  row("days_in_programme", "no_join_date", std::to_string(r.no_join_date));
  for (const auto& l : r.longest)
    row("longest", l.family_id, std::to_string(l.days), l.joined_on + " " + l.lead_agency);
  for (const auto& c : r.lead_agencies)
    row("lead_agency", c.name, std::to_string(c.families), std::to_string(c.people));
  for (const auto& c : r.lead_professionals)
    row("lead_professional", c.name, std::to_string(c.families), std::to_string(c.people));
  for (const auto& c : r.agencies)
    row("agency", c.name, std::to_string(c.families), std::to_string(c.people));
  return rows;
}

const std::vector<std::string> kFigureColumns = {"section", "label", "value", "extra"};

}  // namespace

void write_csv(const Report& r, std::ostream& out) {
  std::string s;
  append_csv_row(s, kFigureColumns);
  for (const auto& row : figures(r)) append_csv_row(s, row);
  out << s;
}

Status write_xlsx(const Report& r, xlsx::Writer& out) {
  using K = xlsx::Writer::Kind;
  SF_TRY(out.header(kFigureColumns, {K::kText, K::kText, K::kNumber, K::kText}));
  for (const auto& row : figures(r)) SF_TRY(out.row(row));
  return Ok{};
}

void write_json(const Report& r, std::ostream& out) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["from"] = r.from.iso();
  j["to"] = r.to.iso();
  j["criteria_set"] = {
      {"name", r.criteria_set}, {"title", r.criteria_title}, {"threshold", r.threshold}};
  for (const char* st : kStatuses) {
    j["families"][status_label(st)] = at(r.families_by_status, st);
    j["people"][status_label(st)] = at(r.people_by_status, st);
  }
  j["joined_in_period"] = r.joined_in_period;
  if (r.target) {
    j["target"] = {
        {"families", r.target}, {"from", r.target_from.iso()}, {"to", r.target_to.iso()}};
  }
  j["months"] = ordered_json::array();
  for (const auto& m : r.months) {
    ordered_json mj = {{"month", m.month}, {"joined", m.joined}, {"cumulative", m.cumulative}};
    if (r.target) mj["target"] = m.target;
    j["months"].push_back(mj);
  }
  j["criteria"] = ordered_json::array();
  for (const auto& c : r.criteria)
    j["criteria"].push_back({{"id", c.id}, {"title", c.title}, {"families", c.families}});
  j["problems_per_family"] = r.problems_per_family;
  j["mean_criteria"] = r.mean_criteria;
  j["mean_needs"] = r.mean_needs;
  j["eligible"] = r.eligible;
  j["closed_in_period"] = r.closed_in_period;
  j["closures"] = ordered_json::array();
  for (const auto& c : r.closures)
    j["closures"].push_back({{"outcome", c.outcome}, {"families", c.families}});
  j["days_in_programme"] = {
      {"median", r.median_days}, {"mean", r.mean_days}, {"no_join_date", r.no_join_date}};
  j["longest"] = ordered_json::array();
  for (const auto& l : r.longest) {
    j["longest"].push_back({{"family_id", l.family_id},
                            {"joined_on", l.joined_on},
                            {"days", l.days},
                            {"lead_agency", l.lead_agency}});
  }
  auto caseload = [](const std::vector<Caseload>& v) {
    ordered_json a = ordered_json::array();
    for (const auto& c : v)
      a.push_back({{"name", c.name}, {"families", c.families}, {"people", c.people}});
    return a;
  };
  j["lead_agencies"] = caseload(r.lead_agencies);
  j["lead_professionals"] = caseload(r.lead_professionals);
  j["agencies"] = caseload(r.agencies);
  out << j.dump(2) << "\n";
}

}  // namespace sfcohort::report

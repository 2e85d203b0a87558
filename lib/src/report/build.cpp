// Builds a Report in one pass over the cohort (db::each_programme_family):
// each family is counted by status, its joining month and lead, and an
// active family is evaluated against the criteria set as `check` does.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "db/programme_rows.hpp"
#include "sfcohort/criteria.hpp"
#include "sfcohort/nomination.hpp"
#include "sfcohort/report.hpp"

namespace sfcohort::report {
namespace {

std::string month_of(const Date& d) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  return buf;
}

Date month_end(const std::string& month) {
  Date d{std::stoi(month.substr(0, 4)), std::stoi(month.substr(5, 2)), 1};
  Date next = d.month == 12 ? Date{d.year + 1, 1, 1} : Date{d.year, d.month + 1, 1};
  return Date::from_days(next.days() - 1);
}

criteria::Household household_of(const db::ProgrammeFamily& f) {
  criteria::Household h;
  for (const auto& p : f.members) {
    h.members.push_back(criteria::member_from(p.id, p.given_name, p.dob, p.role));
  }
  for (const auto& e : f.evidence) {
    h.evidence.push_back(
        criteria::evidence_from(e.indicator, e.person_id, e.date, e.value, e.source));
  }
  return h;
}

// Counts kept while the families stream past.
struct Tally {
  std::map<std::string, int64_t> joined_by_month;
  std::map<int, int64_t> criterion;
  int64_t criteria_met = 0, needs_met = 0, active = 0;
  std::vector<int64_t> days;
  std::vector<LongRunning> running;
  std::map<std::string, Caseload> lead_agency, lead_professional, agency;
  std::map<std::string, int64_t> closures;
};

void count_caseload(std::map<std::string, Caseload>& m, const std::string& name, size_t people) {
  if (name.empty()) return;
  Caseload& c = m[name];
  c.name = name;
  c.families += 1;
  c.people += static_cast<int64_t>(people);
}

void count_active(const db::ProgrammeFamily& f, const criteria::CriteriaSet& set, const Options& o,
                  Report& r, Tally& t) {
  t.active += 1;
  auto out = set.evaluate(household_of(f), o.to);
  if (out.eligible) r.eligible += 1;
  t.criteria_met += out.counted;
  for (const auto& c : out.criteria) {
    for (const auto& n : c.needs) t.needs_met += n.met && n.counted;
  }
  for (int id : out.met) t.criterion[id] += 1;
  const size_t k = out.met.size();
  if (r.problems_per_family.size() <= k) r.problems_per_family.resize(k + 1, 0);
  r.problems_per_family[k] += 1;
  if (auto j = parse_date(f.joined_on); j && *j <= o.to) {
    const int64_t days = o.to.days() - j->days();
    t.days.push_back(days);
    t.running.push_back({f.id, f.joined_on, f.lead_agency, days});
  } else {
    r.no_join_date += 1;
  }
  count_caseload(t.lead_agency, f.lead_agency, f.members.size());
  std::set<std::string> named;
  for (const auto& a : f.agencies) {
    if (named.insert(a.name).second) count_caseload(t.agency, a.name, f.members.size());
    if (a.role == "lead_professional") {
      std::string who = a.contact.empty() ? a.name : a.contact + " (" + a.name + ")";
      count_caseload(t.lead_professional, who, f.members.size());
    }
  }
}

std::vector<Caseload> ranked(const std::map<std::string, Caseload>& m) {
  std::vector<Caseload> v;
  for (const auto& [_, c] : m) v.push_back(c);
  std::stable_sort(v.begin(), v.end(),
                   [](const Caseload& a, const Caseload& b) { return a.families > b.families; });
  return v;
}

// The months from the report's start to its date: joins, the cumulative
// count (from the start of the target period when there is a target) and
// the target's straight line from 0 to the target over its period.
void finish_months(const Options& o, Report& r, const Tally& t) {
  std::string first = month_of(r.from);
  if (o.target) first = std::min(first, month_of(o.target_from));
  const std::string last = month_of(o.to);
  const std::string counted_from = o.target ? month_of(o.target_from) : first;
  int year = std::stoi(first.substr(0, 4)), month = std::stoi(first.substr(5, 2));
  int64_t cumulative = 0;
  for (std::string m = first; m <= last; m = month_of(Date{year, month, 1})) {
    Month row;
    row.month = m;
    auto it = t.joined_by_month.find(m);
    row.joined = it == t.joined_by_month.end() ? 0 : it->second;
    if (m >= counted_from) cumulative += row.joined;
    row.cumulative = cumulative;
    if (o.target) {
      const double span = o.target_to.days() - o.target_from.days() + 1;
      const double done = std::clamp(month_end(m).days() - o.target_from.days() + 1.0, 0.0, span);
      row.target = static_cast<double>(o.target) * done / span;
    }
    r.months.push_back(row);
    if (++month == 13) {
      month = 1;
      ++year;
    }
  }
}

}  // namespace

Result<Report> build(Store& store, const Options& o) {
  auto set = nomination::resolve_set(&store, o.criteria_set);
  if (!set) return set.error();
  Report r;
  r.criteria_set = set->name();
  r.criteria_title = set->title();
  r.threshold = set->summary();
  r.to = o.to;
  r.from = o.from.value_or(Date{});
  r.target = o.target;
  r.target_from = o.target_from;
  r.target_to = o.target_to;
  Tally t;
  std::optional<Date> first_join;
  SF_TRY(db::each_programme_family(store, [&](const db::ProgrammeFamily& f) -> Status {
    // A family that joined after the report's date was not yet in the programme.
    if (auto j = parse_date(f.joined_on); j && *j > o.to) return Ok{};
    r.families_by_status[f.status] += 1;
    r.people_by_status[f.status] += static_cast<int64_t>(f.members.size());
    if (auto j = parse_date(f.joined_on); j && *j <= o.to && f.status != "nominated") {
      t.joined_by_month[month_of(*j)] += 1;
      if (!first_join || *j < *first_join) first_join = *j;
      if (!o.from || *j >= *o.from) r.joined_in_period += 1;
    }
    if (f.status == "cohort") count_active(f, *set, o, r, t);
    if (f.status == "closed") {
      t.closures[f.outcome.empty() ? "unrecorded" : f.outcome] += 1;
      auto c = parse_date(f.closed_on);
      if (c && *c <= o.to && (!o.from || *c >= *o.from)) r.closed_in_period += 1;
    }
    return Ok{};
  }));
  if (!o.from) r.from = first_join.value_or(o.to);
  if (!o.from && o.target && o.target_from < r.from) r.from = o.target_from;
  finish_months(o, r, t);
  for (int id = 1; !set->criterion_title(id).empty(); ++id) {
    r.criteria.push_back({id, set->criterion_title(id), t.criterion[id]});
  }
  if (r.problems_per_family.size() < r.criteria.size() + 1)
    r.problems_per_family.resize(r.criteria.size() + 1, 0);
  if (t.active) {
    r.mean_criteria = static_cast<double>(t.criteria_met) / static_cast<double>(t.active);
    r.mean_needs = static_cast<double>(t.needs_met) / static_cast<double>(t.active);
  }
  for (const auto& [outcome, n] : t.closures) r.closures.push_back({outcome, n});
  std::stable_sort(r.closures.begin(), r.closures.end(),
                   [](const Closure& a, const Closure& b) { return a.families > b.families; });
  if (!t.days.empty()) {
    std::vector<int64_t> d = t.days;
    std::sort(d.begin(), d.end());
    r.median_days = d[d.size() / 2];
    int64_t sum = 0;
    for (int64_t x : d) sum += x;
    r.mean_days = sum / static_cast<int64_t>(d.size());
  }
  std::vector<LongRunning> running = std::move(t.running);
  const size_t keep = std::min(running.size(), static_cast<size_t>(std::max(o.longest, 0)));
  std::partial_sort(running.begin(), running.begin() + static_cast<std::ptrdiff_t>(keep),
                    running.end(), [](const LongRunning& a, const LongRunning& b) {
                      return a.days != b.days ? a.days > b.days : a.family_id < b.family_id;
                    });
  running.resize(keep);
  r.longest = std::move(running);
  r.lead_agencies = ranked(t.lead_agency);
  r.lead_professionals = ranked(t.lead_professional);
  r.agencies = ranked(t.agency);
  return r;
}

}  // namespace sfcohort::report

// The manager's view of the programme: families and people by status, how
// many joined each month against the target, the criteria families meet and
// how many problems each has, closures by outcome, time in the programme,
// and the agencies and lead professionals carrying the caseload. build()
// reads the cohort once; the renderers write what it found as a terminal
// table, CSV, an Excel workbook, JSON or one self-contained HTML page with inline SVG charts.
// Counts only: a report names no person (the longest-running families are
// named by family id and lead agency).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"
#include "sfcohort/xlsx.hpp"

namespace sfcohort::report {

struct Options {
  std::optional<Date> from;  // joins counted from this date (default: the first join)
  Date to;                   // the report's date: evidence and joins up to it
  std::string criteria_set;  // the set families are evaluated against ("": the database's default)
  int64_t target = 0;        // families to work with over the target period (0: none)
  Date target_from, target_to;
  int longest = 10;  // how many of the longest-running families to list
};

struct Month {
  std::string month;       // YYYY-MM
  int64_t joined = 0;      // families whose joined_on falls in the month
  int64_t cumulative = 0;  // joined since the start of the target period (else of the report)
  double target = 0;       // the target's cumulative line at the month's end (0 without a target)
};

struct CriterionCount {
  int id = 0;
  std::string title;
  int64_t families = 0;  // active families meeting it on the report's date
};

struct Closure {
  std::string outcome;  // a code of the outcome vocabulary, or "unrecorded"
  int64_t families = 0;
};

struct LongRunning {
  std::string family_id, joined_on, lead_agency;
  int64_t days = 0;
};

struct Caseload {
  std::string name;      // agency, or lead professional ("name (agency)")
  int64_t families = 0;  // active families
  int64_t people = 0;
};

struct Report {
  std::string criteria_set, criteria_title;
  std::string threshold;  // "2 or more of 6"
  Date from, to;
  std::map<std::string, int64_t> families_by_status;  // cohort, nominated, closed
  std::map<std::string, int64_t> people_by_status;
  std::vector<Month> months;
  int64_t target = 0;
  Date target_from, target_to;
  int64_t joined_in_period = 0;  // joined between from and to
  std::vector<CriterionCount> criteria;
  // problems_per_family[k]: active families meeting k criteria (k = 0..n).
  std::vector<int64_t> problems_per_family;
  double mean_criteria = 0, mean_needs = 0;  // per active family
  int64_t eligible = 0;                      // active families meeting the set's threshold
  std::vector<Closure> closures;             // by outcome, most first
  int64_t closed_in_period = 0;
  // Days in the programme of active families (from joined_on to the report's
  // date); families without a joining date are counted apart.
  int64_t median_days = 0, mean_days = 0, no_join_date = 0;
  std::vector<LongRunning> longest;
  std::vector<Caseload> lead_agencies, lead_professionals, agencies;
};

// Reads the cohort and builds the report as of O.to. A criteria set that
// cannot be loaded is the loader's error; an empty cohort is a report of
// zeros, not an error.
Result<Report> build(Store& store, const Options& o);

void write_text(const Report& r, std::ostream& out);
// One row per figure: section,label,value,extra (a long, tidy table that a
// spreadsheet pivots).
void write_csv(const Report& r, std::ostream& out);
// The same table as one sheet of a workbook, the values as numbers (dates
// and names stay text).
Status write_xlsx(const Report& r, xlsx::Writer& out);
void write_json(const Report& r, std::ostream& out);
// One self-contained page: no script, no network, no external file; charts
// drawn as inline SVG; laid out to print on A4.
void write_html(const Report& r, std::ostream& out);

}  // namespace sfcohort::report

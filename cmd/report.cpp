// sfcohort report: the manager's view of the programme (sfcohort/report.hpp)
// as a terminal table, CSV, JSON, a self-contained HTML page or a workbook.
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/report.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"
#include "sfcohort/xlsx.hpp"

namespace sfcohort::cli {
namespace {

struct ReportOptions {
  std::string from, to, criteria, target_period, format = "text", output = "-";
  long long target = 0;
};

Result<Date> date_option(const char* flag, const std::string& text) {
  auto d = parse_date(text);
  if (!d) return invalid_input(std::string(flag) + ": " + d.error().message);
  return *d;
}

// The options as the library takes them, or the first bad one.
Result<report::Options> options_of(const ReportOptions& o) {
  report::Options r;
  auto today = parse_date(Store::today());
  if (!today) return today.error();
  r.to = *today;
  if (!o.to.empty()) {
    {
      auto d = date_option("--to", o.to);
      if (!d) return d.error();
      r.to = *d;
    }
    if (r.to > *today) return invalid_input("--to " + o.to + " is in the future");
  }
  if (!o.from.empty()) {
    {
      auto d = date_option("--from", o.from);
      if (!d) return d.error();
      r.from = *d;
    }
    if (*r.from > r.to) return invalid_input("--from " + o.from + " is after --to " + r.to.iso());
  }
  if (o.format != "text" && o.format != "csv" && o.format != "json" && o.format != "html" &&
      o.format != "xlsx")
    return invalid_input("--format must be text, csv, json, html or xlsx, not '" + o.format + "'");
  if (o.format == "xlsx" && (o.output.empty() || o.output == "-"))
    return Error(Errc::kInvalidInput, "--format xlsx writes a file, not standard output",
                 {"name the workbook with --output FILE.xlsx"});
  if (o.target < 0) return invalid_input("--target must be a number of families, 0 or more");
  if ((o.target > 0) != !o.target_period.empty()) {
    return Error(Errc::kInvalidInput, "--target and --target-period go together",
                 {"e.g. --target 3810 --target-period 2015-04-01..2020-03-31"});
  }
  if (o.target > 0) {
    const auto dots = o.target_period.find("..");
    if (dots == std::string::npos)
      return invalid_input("--target-period must be FROM..TO, not '" + o.target_period + "'");
    {
      auto d = date_option("--target-period", o.target_period.substr(0, dots));
      if (!d) return d.error();
      r.target_from = *d;
    }
    {
      auto d = date_option("--target-period", o.target_period.substr(dots + 2));
      if (!d) return d.error();
      r.target_to = *d;
    }
    if (r.target_to < r.target_from)
      return invalid_input("--target-period ends before it starts: " + o.target_period);
    r.target = o.target;
  }
  r.criteria_set = o.criteria;
  return r;
}

Result<int> run_report(const Globals& g, const ReportOptions& o) {
  auto opts = options_of(o);
  if (!opts) return opts.error();
  auto store = Store::open(g.context("report"));
  if (!store) return store.error();
  auto rep = report::build(*store, *opts);
  if (!rep) return rep.error();
  const nlohmann::json detail = {{"action", "report"},
                                 {"format", o.format},
                                 {"from", rep->from.iso()},
                                 {"to", rep->to.iso()},
                                 {"output", o.output}};
  if (o.format == "xlsx") {
    auto book = xlsx::Writer::create(o.output, "report");
    if (!book) return book.error();
    SF_TRY(report::write_xlsx(*rep, *book));
    SF_TRY(store->audit("", detail));
    SF_TRY(book->commit());
    note(g, "report: " + o.output);
    return 0;
  }
  std::ostringstream text;
  if (o.format == "csv")
    report::write_csv(*rep, text);
  else if (o.format == "json")
    report::write_json(*rep, text);
  else if (o.format == "html")
    report::write_html(*rep, text);
  else
    report::write_text(*rep, text);
  auto file = AtomicFile::create(o.output, 0600);
  if (!file) return file.error();
  SF_TRY(file->write(text.str()));
  // Counts and family ids only, but read from personal data: audited.
  SF_TRY(store->audit("", detail));
  SF_TRY(file->commit());
  if (o.output != "-") note(g, "report: " + o.output);
  return 0;
}

}  // namespace

void add_report(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* sub =
      app.add_subcommand("report", "the programme's progress, criteria, closures and caseloads");
  sub->add_option("--from", o->from, "count joins from this date (default: the first join)");
  sub->add_option("--to", o->to, "the report's date (default today)");
  sub->add_option("--criteria", o->criteria,
                  "the criteria set families are evaluated against (default the database's)");
  sub->add_option("--target", o->target, "families the programme is to work with");
  sub->add_option("--target-period", o->target_period, "the target's period, FROM..TO");
  sub->add_option("--format", o->format, "text, csv, json, html or xlsx (default text)");
  sub->add_option("--output", o->output, "write here (default - for standard output)");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_report(g, *o); }; });
}

}  // namespace sfcohort::cli

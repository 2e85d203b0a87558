// sfcohort import: load families and people from a CSV file or a workbook.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sfcohort/import.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::cli {
namespace {

struct ImportCmd {
  std::string file;
  std::string rejects;
  bool dry_run = false;
  std::string format = "text";
  std::vector<std::string> maps;
  std::string sheet;
  std::string changes, reason;
  bool full = false, close_missing = false;
};

Result<int> run_import(const Globals& g, const ImportCmd& o) {
  if (o.close_missing && (!o.full || trim(o.reason).empty()))
    return Error(Errc::kInvalidInput, "--close-missing needs --full and --reason TEXT",
                 {"e.g. --full --close-missing --reason \"not in the March list\""});
  if (!o.reason.empty() && !o.close_missing)
    return invalid_input("--reason is for --close-missing");
  Context ctx = g.context("import");
  auto store = Store::open(ctx);
  if (!store) return store.error();
  ImportOptions opt;
  opt.path = o.file;
  if (!o.rejects.empty()) opt.rejects_path = o.rejects;
  opt.dry_run = o.dry_run;
  opt.maps = o.maps;
  opt.sheet = o.sheet;
  if (!o.changes.empty()) opt.changes_path = o.changes;
  opt.full = o.full;
  opt.close_missing_reason = o.reason;
  Progress bar(g, "importing", file_size(o.file));
  opt.progress = [&bar](uint64_t n) { bar.update(n); };
  auto rep = import_csv(*store, opt);
  bar.done();
  if (!rep) return rep.error();
  const std::string name = o.file == "-" ? "standard input" : o.file;
  for (const auto& w : rep->warnings) warn(g, w);
  if (rep->blank)
    note(g, name + ": " + with_commas(static_cast<long long>(rep->blank)) + " blank row" +
                (rep->blank == 1 ? "" : "s") + " skipped");
  for (const auto& e : rep->aborted ? rep->errors : std::vector<RowError>{}) {
    std::fprintf(stderr, "sfcohort: error: %s: row %zu: %s\n", name.c_str(), e.row,
                 e.message.c_str());
  }
  if (rep->rejected > rep->errors.size() && rep->aborted) {
    std::fprintf(stderr, "sfcohort: error: %s: %zu more invalid rows not shown\n", name.c_str(),
                 rep->rejected - rep->errors.size());
  }
  if (o.format == "json") {
    nlohmann::json j = {{"read", rep->read},           {"imported", rep->imported},
                        {"updated", rep->updated},     {"unchanged", rep->unchanged},
                        {"rejected", rep->rejected},   {"families_added", rep->families_added},
                        {"moved", rep->moved},         {"missing", rep->missing},
                        {"duplicate", rep->duplicate}, {"families_closed", rep->families_closed},
                        {"blank", rep->blank},         {"written", !rep->aborted && !o.dry_run},
                        {"sha256", rep->sha256}};
    std::printf("%s\n", j.dump().c_str());
  } else if (rep->aborted) {
    // Nothing was imported: the error below says so, and no summary says
    // what would have been (the JSON object has written: false).
  } else {
    std::printf("read %s rows: %s imported, %s updated, %s unchanged, %s rejected\n",
                with_commas(static_cast<long long>(rep->read)).c_str(),
                with_commas(static_cast<long long>(rep->imported)).c_str(),
                with_commas(static_cast<long long>(rep->updated)).c_str(),
                with_commas(static_cast<long long>(rep->unchanged)).c_str(),
                with_commas(static_cast<long long>(rep->rejected)).c_str());
    if (rep->moved || rep->missing || rep->duplicate || o.full || !o.changes.empty())
      std::printf("changes: %zu added, %zu updated, %zu moved, %zu missing, %zu duplicate\n",
                  rep->imported, rep->updated, rep->moved, rep->missing, rep->duplicate);
    if (!rep->families_closed.empty() && !rep->aborted && !o.dry_run)
      std::printf("closed %zu families whose people are all missing\n",
                  rep->families_closed.size());
  }
  if (rep->aborted) {
    Error e(Errc::kInvalidInput,
            name + ": " + std::to_string(rep->rejected) + " invalid row" +
                (rep->rejected == 1 ? "" : "s") + ": nothing imported",
            {"correct the rows, or import the valid ones and set the others aside with --rejects "
             "FILE"});
    return e;
  }
  if (o.dry_run) {
    note(g, "dry run: nothing was written");
  } else if (!o.rejects.empty() && rep->rejected > 0) {
    note(g, std::to_string(rep->rejected) + " invalid row" + (rep->rejected == 1 ? "" : "s") +
                " written to " + o.rejects);
  }
  return 0;
}

}  // namespace

void add_import(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<ImportCmd>();
  CLI::App* sub =
      app.add_subcommand("import", "import families and people from a CSV file or a workbook");
  sub->add_option("file", o->file, "the CSV file or .xlsx workbook, or - for CSV on standard input")
      ->required();
  sub->add_option("--sheet", o->sheet, "the workbook's sheet to read (default the first)");
  sub->add_option("--rejects", o->rejects,
                  "write invalid rows here (with an error column) and import the rest");
  sub->add_flag("--dry-run", o->dry_run, "validate and count, write nothing");
  sub->add_option("--map", o->maps,
                  "FIELD=HEADER: the column HEADER gives FIELD (repeatable), e.g. "
                  "--map surname=\"Pupil Surname\"");
  sub->add_option("--changes", o->changes,
                  "write what changed here: CSV, or JSON Lines for FILE.jsonl");
  sub->add_flag("--full", o->full,
                "the file is the whole active cohort: report people absent from it as missing");
  sub->add_flag("--close-missing", o->close_missing,
                "with --full: close the families whose people are all missing");
  sub->add_option("--reason", o->reason, "with --close-missing: why they are closed");
  sub->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  sub->callback([&g, &action, o] { action = [&g, o] { return run_import(g, *o); }; });
}

}  // namespace sfcohort::cli

// sfcohort evidence: partners' evidence feeds imported and matched to the
// cohort (import), and the possible matches decided (review).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sfcohort/evidence.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::cli {
namespace {

struct ImportCmd {
  std::string file, indicator, source, criteria, sheet, rejects;
  std::vector<std::string> maps;
  std::string format = "text";
};

struct ReviewCmd {
  std::vector<long long> accept, reject;
  std::string file, reason;
  std::string format = "text";
};

std::string plural(size_t n, const char* one, const char* many) {
  return with_commas(static_cast<long long>(n)) + " " + (n == 1 ? one : many);
}

void print_import(const evidence::ImportReport& r, const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json j = {{"feed", r.already.empty() ? r.feed_id : r.already},
                                {"written", r.already.empty() && !r.aborted},
                                {"already_imported", !r.already.empty()},
                                {"source", r.source},
                                {"sha256", r.sha256},
                                {"rows", r.rows},
                                {"attached", r.attached},
                                {"exact", r.exact},
                                {"strong", r.strong},
                                {"review", r.review},
                                {"outside", r.outside},
                                {"duplicate", r.duplicate},
                                {"rejected", r.rejected},
                                {"blank", r.blank}};
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  if (!r.already.empty()) {
    std::printf("%s: already imported as feed %s: nothing changed\n", r.file.c_str(),
                r.already.c_str());
    return;
  }
  if (r.aborted) return;
  std::printf(
      "feed %s (%s): read %s: %s attached (%zu exact, %zu strong), %s to review, %s "
      "outside the cohort, %s, %s rejected\n",
      r.feed_id.c_str(), r.source.c_str(), plural(r.rows, "row", "rows").c_str(),
      with_commas(static_cast<long long>(r.attached)).c_str(), r.exact, r.strong,
      with_commas(static_cast<long long>(r.review)).c_str(),
      with_commas(static_cast<long long>(r.outside)).c_str(),
      plural(r.duplicate, "duplicate", "duplicates").c_str(),
      with_commas(static_cast<long long>(r.rejected)).c_str());
}

Result<int> run_import(const Globals& g, const ImportCmd& o) {
  Context ctx = g.context("evidence import");
  auto store = Store::open(ctx);
  if (!store) return store.error();
  evidence::ImportOptions opt;
  opt.path = o.file;
  opt.indicator = o.indicator;
  opt.source = o.source;
  opt.criteria = o.criteria;
  opt.maps = o.maps;
  opt.sheet = o.sheet;
  if (!o.rejects.empty()) opt.rejects_path = o.rejects;
  auto rep = evidence::import_feed(*store, opt);
  if (!rep) return rep.error();
  for (const auto& w : rep->warnings) warn(g, w);
  if (rep->aborted) {
    // A workbook's rows by sheet and row, as Excel shows them.
    const std::string where =
        rep->file + (rep->sheet.empty() ? "" : ": sheet '" + rep->sheet + "'");
    for (const auto& e : rep->errors)
      std::fprintf(stderr, "sfcohort: error: %s: row %zu: %s%s%s\n", where.c_str(), e.row,
                   e.field.c_str(), e.field.empty() ? "" : ": ", e.message.c_str());
    if (rep->rejected > rep->errors.size())
      std::fprintf(stderr, "sfcohort: error: %s: %zu more invalid rows not shown\n",
                   rep->file.c_str(), rep->rejected - rep->errors.size());
    return Error(Errc::kInvalidInput,
                 rep->file + ": " + plural(rep->rejected, "invalid row", "invalid rows") +
                     ": nothing imported",
                 {"correct the rows, or import the valid ones and set the others aside with "
                  "--rejects FILE"});
  }
  print_import(*rep, o.format);
  if (rep->rejected > 0 && rep->already.empty())
    note(g, plural(rep->rejected, "invalid row", "invalid rows") + " written to " + o.rejects);
  if (rep->review > 0)
    note(g, "'sfcohort evidence review' lists the " +
                plural(rep->review, "possible match", "possible matches") + " to decide");
  return 0;
}

void print_item(const evidence::ReviewItem& it) {
  std::printf("%lld  %s row %lld  %s %s", static_cast<long long>(it.id), it.feed_id.c_str(),
              static_cast<long long>(it.row), it.indicator.c_str(), it.date.c_str());
  if (it.value) std::printf(" value %g", *it.value);
  std::printf("  (%s)\n", it.source.c_str());
  std::printf("    feed:   %s %s  born %s  %s %s\n", it.given_name.c_str(), it.surname.c_str(),
              it.dob.c_str(), it.postcode.c_str(), it.house.c_str());
  std::printf("    cohort: %s %s (%s)  born %s  score %.2f\n", it.person_id.c_str(),
              it.person_name.c_str(), it.family_id.c_str(), it.person_dob.c_str(), it.score);
  std::printf("    why:    %s\n", it.why.c_str());
}

nlohmann::ordered_json item_json(const evidence::ReviewItem& it) {
  nlohmann::ordered_json j = {
      {"id", it.id},
      {"feed", it.feed_id},
      {"row", it.row},
      {"source", it.source},
      {"indicator", it.indicator},
      {"date", it.date},
      {"value", it.value ? nlohmann::ordered_json(*it.value) : nlohmann::ordered_json()},
      {"feed_person",
       {{"given_name", it.given_name},
        {"surname", it.surname},
        {"dob", it.dob},
        {"postcode", it.postcode},
        {"house", it.house}}},
      {"person_id", it.person_id},
      {"family_id", it.family_id},
      {"person", it.person_name},
      {"person_dob", it.person_dob},
      {"score", it.score},
      {"why", it.why}};
  if (!it.decision.empty()) j["decision"] = it.decision;
  return j;
}

Result<int> run_review(const Globals& g, const ReviewCmd& o) {
  Context ctx = g.context("evidence review");
  auto store = Store::open(ctx);
  if (!store) return store.error();
  std::vector<evidence::ReviewItem> items;
  const bool deciding = !o.accept.empty() || !o.reject.empty() || !o.file.empty();
  if (!deciding) {
    auto list = evidence::review_list(*store);
    if (!list) return list.error();
    items = std::move(*list);
  } else if (!o.file.empty()) {
    auto d = evidence::decide_file(*store, o.file);
    if (!d) return d.error();
    items = std::move(d->decided);
  } else {
    for (int accept = 1; accept >= 0; --accept) {
      for (long long id : accept ? o.accept : o.reject) {
        auto it = evidence::decide(*store, id, accept == 1, o.reason);
        if (!it) return it.error();
        items.push_back(std::move(*it));
      }
    }
  }
  if (o.format == "json") {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& it : items) arr.push_back(item_json(it));
    std::printf("%s\n", arr.dump().c_str());
  } else if (deciding) {
    for (const auto& it : items)
      std::printf("%lld %s: %s %s for %s\n", static_cast<long long>(it.id), it.decision.c_str(),
                  it.indicator.c_str(), it.date.c_str(),
                  it.decision == "accepted" ? it.person_id.c_str() : "someone outside the cohort");
  } else {
    for (const auto& it : items) print_item(it);
    note(g, plural(items.size(), "row waits", "rows wait") + " for review");
  }
  return deciding || !items.empty() ? 0 : 1;
}

}  // namespace

void add_evidence(CLI::App& app, Globals& g, Action& action) {
  CLI::App* ev = app.add_subcommand("evidence", "import partners' evidence feeds and review them");
  ev->require_subcommand(1);
  auto o = std::make_shared<ImportCmd>();
  CLI::App* im = ev->add_subcommand("import", "match a partner's evidence feed to the cohort");
  im->add_option("file", o->file, "the CSV file or .xlsx workbook, or - for CSV on standard input")
      ->required();
  im->add_option("--indicator", o->indicator,
                 "the indicator code of every row (else a column names it per row)");
  im->add_option("--source", o->source, "who sent the feed (default the file's name)");
  im->add_option("--criteria", o->criteria, "the criteria set whose indicators these are");
  im->add_option("--map", o->maps, "FIELD=HEADER: the column HEADER gives FIELD (repeatable)");
  im->add_option("--sheet", o->sheet, "the workbook's sheet to read (default the first)");
  im->add_option("--rejects", o->rejects,
                 "write invalid rows here (with an error column) and import the rest");
  im->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  im->callback([&g, &action, o] { action = [&g, o] { return run_import(g, *o); }; });

  auto r = std::make_shared<ReviewCmd>();
  CLI::App* rv = ev->add_subcommand("review", "list or decide the possible matches of feeds");
  rv->add_option("--accept", r->accept, "ID: the row is the proposed person's (repeatable)");
  rv->add_option("--reject", r->reject, "ID: the row is someone else's (repeatable)");
  rv->add_option("--file", r->file, "decide every row of FILE (columns id, decision, reason)");
  rv->add_option("--reason", r->reason, "why, for the audit trail");
  rv->add_option("--format", r->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  rv->callback([&g, &action, r] { action = [&g, r] { return run_review(g, *r); }; });
}

}  // namespace sfcohort::cli

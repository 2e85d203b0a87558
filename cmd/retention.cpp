// sfcohort retention: the retention schedule, what is due for disposal, and
// the disposal itself (sfcohort/retention.hpp).
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sfcohort/retention.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::cli {
namespace {

struct RetentionOptions {
  bool apply = false;
  std::string as_of;
  std::string format = "text";
  std::string cls, duration;  // set
};

void print_due(const retention::Due& d, bool applied) {
  std::printf("%s on %s:\n", applied ? "disposed of" : "due for disposal", d.as_of.c_str());
  for (const auto& c : d.classes) {
    const size_t n = c.ids.size();
    std::printf("  %-20s %-10s (on or before %s): %zu", c.cls.c_str(), c.duration.c_str(),
                c.cutoff.c_str(), n);
    if (c.cls == "closed_family")
      std::printf(" %s, %lld %s", n == 1 ? "family" : "families", static_cast<long long>(c.people),
                  c.people == 1 ? "person" : "people");
    else
      std::printf(" %s", n == 1 ? "nomination" : "nominations");
    std::printf("\n");
    if (!c.ids.empty()) {
      std::string line = "    ";
      for (size_t i = 0; i < c.ids.size(); ++i) {
        if (line.size() + c.ids[i].size() > 78) {
          std::printf("%s\n", line.c_str());
          line = "    ";
        }
        line += c.ids[i] + (i + 1 < c.ids.size() ? " " : "");
      }
      std::printf("%s\n", line.c_str());
    }
  }
}

nlohmann::ordered_json due_json(const retention::Due& d) {
  nlohmann::ordered_json j = {{"as_of", d.as_of}, {"classes", nlohmann::ordered_json::array()}};
  for (const auto& c : d.classes)
    j["classes"].push_back({{"class", c.cls},
                            {"duration", c.duration},
                            {"cutoff", c.cutoff},
                            {"ids", c.ids},
                            {"people", c.people}});
  return j;
}

Result<int> run_retention(const Globals& g, const RetentionOptions& o) {
  if (o.format != "text" && o.format != "json")
    return invalid_input("--format: expected text or json, not '" + o.format + "'");
  auto store = Store::open(g.context(o.apply ? "retention apply" : "retention"));
  if (!store) return store.error();
  if (!o.apply) {
    auto d = retention::due(*store, o.as_of);
    if (!d) return d.error();
    if (o.format == "json") {
      std::printf("%s\n", due_json(*d).dump(2).c_str());
      return 0;
    }
    print_due(*d, false);
    if (d->total()) note(g, "run 'sfcohort retention --apply' to dispose of them");
    return 0;
  }
  auto done = retention::apply(*store, o.as_of);
  if (!done) return done.error();
  if (!done->note.empty()) note(g, "note: " + done->note);
  if (o.format == "json") {
    auto j = due_json(done->due);
    j["disposed"] = {{"families", done->families},
                     {"people", done->people},
                     {"nominations", done->nominations},
                     {"disclosures", done->disclosures}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  print_due(done->due, true);
  std::printf("deleted %s in %s, %s, %s\n", counted(done->people, "person", "people").c_str(),
              counted(done->families, "family", "families").c_str(),
              counted(done->nominations, "nomination", "nominations").c_str(),
              counted(done->disclosures, "disclosure record", "disclosure records").c_str());
  return 0;
}

Result<int> run_schedule(const Globals& g) {
  auto store = Store::open(g.context("retention schedule"));
  if (!store) return store.error();
  auto rules = retention::schedule(*store);
  if (!rules) return rules.error();
  for (const auto& r : *rules)
    std::printf("%-20s %-10s %s\n", r.cls.c_str(), r.duration.c_str(),
                r.updated_by == "default"
                    ? "(default)"
                    : ("set by " + r.updated_by + " " + r.updated_at).c_str());
  return 0;
}

Result<int> run_set(const Globals& g, const RetentionOptions& o) {
  auto store = Store::open(g.context("retention set"));
  if (!store) return store.error();
  auto r = retention::set(*store, o.cls, o.duration);
  if (!r) return r.error();
  std::printf("%s: kept %s\n", r->cls.c_str(), r->duration.c_str());
  return 0;
}

}  // namespace

void add_retention(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<RetentionOptions>();
  CLI::App* sub = app.add_subcommand(
      "retention", "what is due for disposal under the retention schedule, and disposal");
  sub->add_flag("--apply", o->apply, "delete what is due, in one transaction");
  sub->add_option("--as-of", o->as_of, "the date to count from (default: today)");
  sub->add_option("--format", o->format, "text (default) or json");
  CLI::App* sched = sub->add_subcommand("schedule", "the retention schedule");
  CLI::App* set = sub->add_subcommand("set", "change how long a class of record is kept");
  set->add_option("class", o->cls, "closed_family or rejected_nomination")->required();
  set->add_option("duration", o->duration, "N years, N months or N days")->required();
  sub->callback([&g, &action, o, sched, set] {
    if (sched->parsed() || set->parsed()) return;
    action = [&g, o] { return run_retention(g, *o); };
  });
  sched->callback([&g, &action] { action = [&g] { return run_schedule(g); }; });
  set->callback([&g, &action, o] { action = [&g, o] { return run_set(g, *o); }; });
}

}  // namespace sfcohort::cli

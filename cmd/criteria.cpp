// sfcohort criteria: the shipped criteria sets, and one set's criteria and
// indicator codes (what a nomination or an evidence feed may use).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli.hpp"
#include "sfcohort/criteria.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/nomination.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::cli {
namespace {

struct CriteriaOptions {
  std::string set;
  std::string format = "text";
};

Result<int> run_list() {
  for (const auto& name : criteria::CriteriaSet::shipped()) {
    auto s = criteria::CriteriaSet::load(name);
    if (!s) return s.error();
    std::printf("%-28s %s%s\n", name.c_str(), s->title().c_str(),
                name == criteria::CriteriaSet::kDefault ? " (default)" : "");
  }
  return 0;
}

void print_text(const criteria::CriteriaSet& s) {
  std::printf("%s: %s\n", s.name().c_str(), s.title().c_str());
  std::printf("a household qualifies with %s\n\ncriteria\n", s.summary().c_str());
  for (int id = 1; !s.criterion_title(id).empty(); ++id) {
    std::printf("  %d  %s\n", id, s.criterion_title(id).c_str());
  }
  std::printf("\nindicators (code, value, meaning)\n");
  size_t width = 0;
  for (const auto& i : s.indicators()) width = std::max(width, i.code.size());
  for (const auto& i : s.indicators()) {
    const std::string value = i.takes_value ? (i.unit.empty() ? "number" : i.unit) : "-";
    std::printf("  %-*s  %-6s  %s\n", static_cast<int>(width), i.code.c_str(), value.c_str(),
                i.description.c_str());
  }
}

Result<int> run_show(const Globals& g, const CriteriaOptions& o) {
  if (o.format != "text" && o.format != "json")
    return invalid_input("--format must be text or json, not '" + o.format + "'");
  // A set named by the user, else the database's default when there is one.
  std::optional<Store> store;
  const Context ctx = g.context("criteria");
  if (o.set.empty() && Store::may_exist(ctx.db_path)) {
    auto s = Store::open(ctx);
    if (!s) return s.error();
    store.emplace(std::move(*s));
  }
  auto set = nomination::resolve_set(store ? &*store : nullptr, o.set);
  if (!set) return set.error();
  if (o.format == "text") {
    print_text(*set);
    return 0;
  }
  nlohmann::ordered_json j;
  j["name"] = set->name();
  j["title"] = set->title();
  j["threshold"] = set->summary();
  j["criteria"] = nlohmann::ordered_json::array();
  for (int id = 1; !set->criterion_title(id).empty(); ++id)
    j["criteria"].push_back({{"id", id}, {"title", set->criterion_title(id)}});
  j["indicators"] = nlohmann::ordered_json::array();
  for (const auto& i : set->indicators()) {
    j["indicators"].push_back({{"code", i.code},
                               {"label", i.label},
                               {"description", i.description},
                               {"takes_value", i.takes_value},
                               {"unit", i.unit}});
  }
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

}  // namespace

void add_criteria(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<CriteriaOptions>();
  CLI::App* sub = app.add_subcommand("criteria", "the criteria sets and their indicator codes");
  sub->require_subcommand(1);
  CLI::App* list = sub->add_subcommand("list", "the shipped criteria sets");
  list->callback([&action] { action = [] { return run_list(); }; });
  CLI::App* show = sub->add_subcommand("show", "a set's criteria and indicators");
  show->add_option("set", o->set, "a shipped set's name or a set file (default the database's)");
  show->add_option("--format", o->format, "text or json (default text)");
  show->callback([&g, &action, o] { action = [&g, o] { return run_show(g, *o); }; });
}

}  // namespace sfcohort::cli

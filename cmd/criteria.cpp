// sfcohort criteria: the criteria sets shipped, and a set's indicators
// with their codes and descriptions (what evidence in a nomination may say).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sfcohort/criteria.hpp"

namespace sfcohort::cli {
namespace {

struct CriteriaCmd {
  std::string set;
  std::string format = "text";
};

Result<int> run_list() {
  for (const auto& name : criteria::CriteriaSet::shipped()) {
    auto s = criteria::CriteriaSet::load(name);
    if (!s) return s.error();
    std::printf("%s%s  %s (%s)\n", name.c_str(),
                name == criteria::CriteriaSet::kDefault ? " (default)" : "", s->title().c_str(),
                s->summary().c_str());
  }
  return 0;
}

Result<int> run_show(const CriteriaCmd& o) {
  auto s = criteria::CriteriaSet::load(o.set);
  if (!s) return s.error();
  if (o.format == "json") {
    nlohmann::ordered_json j = {{"name", s->name()},
                                {"title", s->title()},
                                {"summary", s->summary()},
                                {"indicators", nlohmann::ordered_json::array()}};
    for (const auto& i : s->indicators())
      j["indicators"].push_back({{"code", i.code},
                                 {"label", i.label},
                                 {"description", i.description},
                                 {"takes_value", i.takes_value},
                                 {"unit", i.unit}});
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::string out = s->name() + ": " + s->title() + " (" + s->summary() + ")\n\n";
  size_t width = 0;
  for (const auto& i : s->indicators()) width = std::max(width, i.code.size());
  for (const auto& i : s->indicators()) {
    std::string code = i.code;
    code.resize(width, ' ');
    std::string value =
        i.takes_value ? " [value" + (i.unit.empty() ? "" : " in " + i.unit) + "]" : "";
    out += "  " + code + "  " + i.description + value + "\n";
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

void add_criteria(CLI::App& app, Globals&, Action& action) {
  CLI::App* sub = app.add_subcommand("criteria", "list the criteria sets and their indicators");
  sub->require_subcommand(1);
  CLI::App* list = sub->add_subcommand("list", "the criteria sets shipped");
  list->callback([&action] { action = [] { return run_list(); }; });
  auto o = std::make_shared<CriteriaCmd>();
  CLI::App* show = sub->add_subcommand("show", "a set's indicators, with codes and descriptions");
  show->add_option("set", o->set, "a shipped set's name, or a set's JSON file")->required();
  show->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  show->callback([&action, o] { action = [o] { return run_show(*o); }; });
}

}  // namespace sfcohort::cli

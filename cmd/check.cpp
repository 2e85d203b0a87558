// sfcohort check: is a nominated household, or a family in the cohort,
// eligible under a criteria set, and why.
#include "check.hpp"

#include <cstdio>
#include <memory>

#include "cli.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/nomination.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::cli {

namespace {

struct CheckOptions {
  std::string target;
  std::string criteria;
  std::string as_of;
  std::string format = "text";
  std::string count;
};

std::string join_ints(const std::vector<int>& v) {
  std::string s;
  for (int i : v) s += (s.empty() ? "" : ", ") + std::to_string(i);
  return s;
}

bool is_file_target(const std::string& t) {
  return t.ends_with(".json") || t.find('/') != std::string::npos || t == "-" || file_exists(t);
}

Result<int> run_check(const Globals& g, const CheckOptions& o) {
  Context ctx = g.context("check");
  std::optional<Date> as_of;
  if (!o.as_of.empty()) {
    auto d = parse_date(o.as_of);
    if (!d) return invalid_input("--as-of: " + d.error().message);
    as_of = *d;
  }
  auto today = parse_date(Store::today());
  if (!today) return today.error();
  if (o.format != "text" && o.format != "json") {
    return invalid_input("--format: expected text or json, not '" + o.format + "'");
  }

  criteria::Household household;
  std::map<std::string, std::string> names;
  std::optional<criteria::CriteriaSet> set;
  std::optional<Store> store;
  std::string family_id;

  if (is_file_target(o.target)) {
    auto text = read_file(o.target);
    if (!text) return std::move(text).error();
    nomination::Nomination n;
    nomination::Problems ps;
    nomination::parse_into(*text, *today, n, ps);
    // The database is needed only for its default criteria set.
    if (o.criteria.empty() && n.criteria_set.empty() && Store::may_exist(ctx.db_path)) {
      auto s = Store::open(ctx);
      if (!s) {
        SF_TRY(ps.status(o.target));  // the file's own errors first
        return std::move(s).error();
      }
      store.emplace(std::move(*s));
    }
    auto s = nomination::resolve_set(store ? &*store : nullptr,
                                     o.criteria.empty() ? n.criteria_set : o.criteria);
    if (!s && !(o.criteria.empty() && s.error().code == Errc::kInvalidInput)) {
      return std::move(s).error();
    }
    // Every error of the file at once, its evidence checked against the set.
    if (s) {
      set.emplace(std::move(*s));
      nomination::check_indicators(n, *set, ps);
    } else {
      ps.found.push_back(s.error().with_context("criteria_set"));
    }
    SF_TRY(ps.status(o.target));
    household = nomination::to_household(n);
    for (const auto& m : n.members) names[m.id] = m.given_name.empty() ? m.id : m.given_name;
  } else {
    family_id = o.target;
    auto s = Store::open(ctx);
    if (!s) return std::move(s).error();
    store.emplace(std::move(*s));
    auto h = nomination::family_household(*store, family_id);
    if (!h) return std::move(h).error();
    household = std::move(*h);
    for (const auto& m : household.members) names[m.id] = m.name;
    std::string name = o.criteria;
    if (name.empty()) {
      auto d = nomination::family_dossier(*store, family_id);
      if (!d) return std::move(d).error();
      name = d->criteria_set;
    }
    auto cs = nomination::resolve_set(&*store, name);
    if (!cs) return std::move(cs).error();
    set.emplace(std::move(*cs));
  }
  if (!o.count.empty() && !set->set_count_mode(o.count)) {
    return invalid_input("--count: expected criteria or needs, not '" + o.count + "'");
  }

  criteria::Outcome out = set->evaluate(household, as_of.value_or(*today));
  if (!family_id.empty()) {
    SF_TRY(store->audit(family_id, {{"action", "check"},
                                    {"criteria_set", set->name()},
                                    {"as_of", out.as_of.iso()},
                                    {"eligible", out.eligible}}));
  }
  if (o.format == "json") {
    std::printf("%s\n", nomination::outcome_json(out).dump(2).c_str());
  } else {
    std::fputs(outcome_text(out, set->summary(), names).c_str(), stdout);
  }
  return out.eligible ? 0 : 1;
}

}  // namespace

size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, size_t w) {
  const size_t n = width(s);
  return n < w ? s + std::string(w - n, ' ') : s;
}

std::string outcome_headline(const criteria::Outcome& o, const std::string& summary) {
  std::string s = o.criteria_set + " (" + summary + ") as of " + o.as_of.iso() + ": ";
  const bool needs = o.count == "needs";
  std::string met;
  if (needs) {
    std::string ids;
    for (const auto& n : o.needs_met) ids += (ids.empty() ? "" : ", ") + n;
    met = std::to_string(o.needs_met.size()) + (o.needs_met.size() == 1 ? " need" : " needs") +
          " met" + (ids.empty() ? "" : " (" + ids + ")");
  } else if (o.met.empty()) {
    met = "no criteria met";
  } else {
    met = (o.met.size() == 1 ? "criterion " : "criteria ") + join_ints(o.met) + " met";
  }
  if (o.eligible) return s + "ELIGIBLE — " + met;
  s += "NOT ELIGIBLE — ";
  if (!o.requirement_met) {
    // "a dependent child or an expectant parent" -> "no dependent child or expectant parent"
    std::string what = o.requirement;
    for (const char* article : {"a ", "an "}) {
      if (what.rfind(article, 0) == 0) what.erase(0, std::string(article).size());
      for (size_t p; (p = what.find(std::string(" or ") + article)) != std::string::npos;) {
        what.erase(p + 4, std::string(article).size());
      }
    }
    return s + "no " + what + "; " + met;
  }
  return s + met + ", " + std::to_string(o.threshold) + " needed";
}

std::string outcome_text(const criteria::Outcome& o, const std::string& summary,
                         const std::map<std::string, std::string>& names) {
  std::string out = outcome_headline(o, summary) + "\n";
  size_t w = 0;
  for (const auto& c : o.criteria) w = std::max(w, width(c.title));
  size_t idw = 1;
  for (const auto& c : o.criteria) idw = std::max(idw, std::to_string(c.id).size());
  auto line = [&](const criteria::CriterionResult& c) {
    std::string mark = c.met ? (c.counted ? "✓" : "~") : "✗";
    std::string id = std::to_string(c.id);
    std::string head =
        "  " + mark + " " + std::string(idw - id.size(), ' ') + id + " " + pad(c.title, w) + "  ";
    const std::string indent(width(head), ' ');
    std::vector<std::string> reasons;
    if (c.met) {
      for (const auto& b : c.because) {
        auto it = names.find(b.member);
        reasons.push_back((b.member.empty() || it == names.end() ? "" : it->second + ": ") +
                          b.detail);
      }
      if (!c.counted) reasons.push_back("met only through a non-resident parent: not counted");
    } else {
      reasons = c.why_not;
    }
    if (reasons.empty()) reasons.push_back(c.met ? "met" : "no evidence");
    std::string s = head + reasons[0] + "\n";
    for (size_t i = 1; i < reasons.size(); ++i) s += indent + reasons[i] + "\n";
    return s;
  };
  for (const auto& c : o.criteria) {
    if (c.met) out += line(c);
  }
  for (const auto& c : o.criteria) {
    if (!c.met) out += line(c);
  }
  if (!o.requirement.empty()) {
    out +=
        std::string("  ") + (o.requirement_met ? "✓" : "✗") + " requires " + o.requirement + "\n";
  }
  for (const auto& n : o.notes) out += "  note: " + n + "\n";
  return out;
}

void add_check(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* sub =
      app.add_subcommand("check", "is a nominated household or a cohort family eligible, and why");
  sub->add_option("target", o->target, "a nomination file (NAME.json) or a family id")
      ->required()
      ->type_name("NOMINATION.json|FAMILY_ID");
  sub->add_option(
         "--criteria", o->criteria,
         "criteria set: a shipped name or a file (default: the file's, else the database's, "
         "else kirklees-2015)")
      ->type_name("NAME|FILE");
  sub->add_option("--as-of", o->as_of, "evaluate as of this date (default today)")
      ->type_name("DATE");
  sub->add_option("--format", o->format, "text or json")->type_name("FORMAT");
  sub->add_option("--count", o->count,
                  "count headline areas (criteria) or needs, overriding the set")
      ->type_name("criteria|needs");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_check(g, *o); }; });
}

}  // namespace sfcohort::cli

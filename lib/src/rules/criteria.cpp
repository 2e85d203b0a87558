// The criteria engine: loading a set (shipped or a file), checking it as
// strictly as a nomination (an adapted set with a typo must not silently
// drop a rule), and evaluating its rules over a household's evidence.
#include "sfcohort/criteria.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <variant>

#include "base/embedded.hpp"
#include "base/json_util.hpp"
#include "sfcohort/io.hpp"

namespace sfcohort::criteria {

using nlohmann::json;

namespace {

constexpr const char* kCriteriaDir = "schema/criteria/";

struct Window {
  enum Kind { kNone, kMonths, kTerms, kDays } kind = kNone;
  int n = 0;
};

struct MemberCond {
  std::string role;  // "" any
  std::optional<int> age_below, age_at_least;
  bool any = false;  // a condition was given: household-level evidence fails it
};

struct ValueCond {
  std::string op;  // "<", "<=", ">", ">=", "=="
  double value = 0;
};

struct Rule;
using RulePtr = std::shared_ptr<Rule>;

struct Rule {
  enum Kind { kAny, kAll, kAtLeast, kEvidence, kHousehold } kind = kEvidence;
  std::vector<RulePtr> children;  // any, all, at_least
  int at_least = 1;
  // evidence
  std::vector<std::string> indicators;
  Window within;
  int count = 1;
  std::optional<ValueCond> value;
  MemberCond member;
  // household
  std::string household;  // child_present | dependent_child | adult_present
};

struct Need {
  std::string id;
  std::string title;
  RulePtr rule;
};

struct Criterion {
  int id = 0;
  std::string title;
  std::vector<Need> needs;
};

struct Term {
  std::string name;
  int from_month = 0, from_day = 0, to_month = 0, to_day = 0;
};

}  // namespace

struct CriteriaSet::Impl {
  std::string name, title, text;
  std::string count = "criteria";
  int threshold = 2;
  int adult_age = 18;
  int dependent_child_age = 19;
  int non_resident_max = 1;
  RulePtr requires_rule;
  std::string requires_label;
  std::vector<Term> terms;
  std::vector<Indicator> indicators;
  std::map<std::string, size_t> by_code;
  std::vector<Criterion> criteria;
};

namespace {

using Impl = CriteriaSet::Impl;

// ---- parsing -------------------------------------------------------------

Result<Ok> parse_md(const json& j, const std::string& path, int& month, int& day) {
  if (!j.is_string()) return invalid_input(path + ": expected \"MM-DD\"");
  const std::string s = j.get<std::string>();
  int m = 0, d = 0;
  char tail = 0;
  if (s.size() != 5 || std::sscanf(s.c_str(), "%2d-%2d%c", &m, &d, &tail) != 2 ||
      !is_valid_date(2000, m, d)) {
    return invalid_input(path + ": '" + s + "' is not a month and day (MM-DD)");
  }
  month = m;
  day = d;
  return Ok{};
}

Result<RulePtr> parse_rule(const json& j, const std::string& path, const Impl& set);

Result<std::vector<RulePtr>> parse_rules(const json& j, const std::string& path, const Impl& set) {
  if (!j.is_array() || j.empty())
    return invalid_input(path + ": expected a non-empty array of rules");
  std::vector<RulePtr> out;
  for (size_t i = 0; i < j.size(); ++i) {
    auto r = parse_rule(j[i], path + "[" + std::to_string(i) + "]", set);
    if (!r) return std::move(r).error();
    out.push_back(*r);
  }
  return out;
}

Result<RulePtr> parse_rule(const json& j, const std::string& path, const Impl& set) {
  if (!j.is_object()) return invalid_input(path + ": expected a rule (an object)");
  auto r = std::make_shared<Rule>();
  if (j.contains("at_least")) {
    SF_TRY(json_util::only_keys(j, path, {"at_least", "of"}));
    r->kind = Rule::kAtLeast;
    auto n = json_util::get_int(j, "at_least", path, 1);
    if (!n) return std::move(n).error();
    r->at_least = *n;
    if (!j.contains("of")) return invalid_input(path + ".of: missing");
    auto ch = parse_rules(j["of"], path + ".of", set);
    if (!ch) return std::move(ch).error();
    r->children = std::move(*ch);
    return r;
  }
  if (j.contains("any") || j.contains("all")) {
    const std::string k = j.contains("any") ? "any" : "all";
    SF_TRY(json_util::only_keys(j, path, {k}));
    r->kind = k == "any" ? Rule::kAny : Rule::kAll;
    auto ch = parse_rules(j[k], path + "." + k, set);
    if (!ch) return std::move(ch).error();
    r->children = std::move(*ch);
    return r;
  }
  if (j.contains("household")) {
    SF_TRY(json_util::only_keys(j, path, {"household"}));
    r->kind = Rule::kHousehold;
    const json& h = j["household"];
    static const std::set<std::string> kKnown = {"child_present", "dependent_child",
                                                 "adult_present"};
    if (!h.is_string() || !kKnown.count(h.get<std::string>())) {
      return invalid_input(path +
                           ".household: expected child_present, dependent_child or adult_present");
    }
    r->household = h.get<std::string>();
    return r;
  }
  if (!j.contains("indicator")) {
    return invalid_input(path + ": a rule needs one of any, all, at_least, indicator, household");
  }
  SF_TRY(json_util::only_keys(j, path, {"indicator", "within", "count", "value", "member"}));
  r->kind = Rule::kEvidence;
  const json& ind = j["indicator"];
  std::vector<std::string> codes;
  if (ind.is_string()) {
    codes.push_back(ind.get<std::string>());
  } else if (ind.is_array() && !ind.empty()) {
    for (const auto& c : ind) {
      if (!c.is_string()) return invalid_input(path + ".indicator: expected codes (strings)");
      codes.push_back(c.get<std::string>());
    }
  } else {
    return invalid_input(path + ".indicator: expected a code or an array of codes");
  }
  for (const auto& c : codes) {
    if (!set.by_code.count(c)) {
      return invalid_input(path + ".indicator: '" + c + "' is not in the set's indicators");
    }
  }
  r->indicators = codes;
  if (j.contains("within")) {
    const json& w = j["within"];
    const std::string wp = path + ".within";
    if (!w.is_object() || w.size() != 1) {
      return invalid_input(wp + ": expected one of {\"months\": N}, {\"terms\": N}, {\"days\": N}");
    }
    SF_TRY(json_util::only_keys(w, wp, {"months", "terms", "days"}));
    const std::string k = w.begin().key();
    auto n = json_util::get_int(w, k, wp, 1);
    if (!n) return std::move(n).error();
    r->within.kind = k == "months"  ? Window::kMonths
                     : k == "terms" ? Window::kTerms
                                    : Window::kDays;
    r->within.n = *n;
  }
  if (j.contains("count")) {
    auto n = json_util::get_int(j, "count", path, 1);
    if (!n) return std::move(n).error();
    r->count = *n;
  }
  if (j.contains("value")) {
    const json& v = j["value"];
    const std::string vp = path + ".value";
    if (!v.is_object() || v.size() != 1 || !v.begin().value().is_number()) {
      return invalid_input(vp + ": expected one comparison, e.g. {\"<\": 90}");
    }
    SF_TRY(json_util::only_keys(v, vp, {"<", "<=", ">", ">=", "=="}));
    for (const auto& c : codes) {
      if (!set.indicators[set.by_code.at(c)].takes_value) {
        return invalid_input(vp + ": indicator '" + c + "' takes no value");
      }
    }
    r->value = ValueCond{v.begin().key(), v.begin().value().get<double>()};
  }
  if (j.contains("member")) {
    const json& m = j["member"];
    const std::string mp = path + ".member";
    if (!m.is_object()) return invalid_input(mp + ": expected an object");
    SF_TRY(json_util::only_keys(m, mp, {"role", "age_below", "age_at_least"}));
    r->member.any = true;
    if (m.contains("role")) {
      if (!m["role"].is_string() || (m["role"] != "adult" && m["role"] != "child")) {
        return invalid_input(mp + ".role: expected adult or child");
      }
      r->member.role = m["role"].get<std::string>();
    }
    if (m.contains("age_below")) {
      auto n = json_util::get_int(m, "age_below", mp, 0);
      if (!n) return std::move(n).error();
      r->member.age_below = *n;
    }
    if (m.contains("age_at_least")) {
      auto n = json_util::get_int(m, "age_at_least", mp, 0);
      if (!n) return std::move(n).error();
      r->member.age_at_least = *n;
    }
  }
  return r;
}

// The set's scalar keys: name, title, what it counts and its ages.
Status parse_header(const json& j, Impl& impl) {
  auto str = [&](const char* key, std::string& out, bool required) -> Status {
    if (!j.contains(key)) {
      if (required) return invalid_input(std::string(key) + ": missing");
      return Ok{};
    }
    if (!j[key].is_string() || j[key].get<std::string>().empty()) {
      return invalid_input(std::string(key) + ": expected a non-empty string");
    }
    out = j[key].get<std::string>();
    return Ok{};
  };
  SF_TRY(str("name", impl.name, true));
  SF_TRY(str("title", impl.title, true));
  SF_TRY(str("count", impl.count, false));
  if (impl.count != "criteria" && impl.count != "needs") {
    return invalid_input("count: expected criteria or needs");
  }
  SF_TRY(str("requires_label", impl.requires_label, false));
  struct IntKey {
    const char* key;
    int* out;
    int min;
  };
  for (IntKey k : {IntKey{"threshold", &impl.threshold, 1}, IntKey{"adult_age", &impl.adult_age, 1},
                   IntKey{"dependent_child_age", &impl.dependent_child_age, 1},
                   IntKey{"non_resident_parent_max", &impl.non_resident_max, 0}}) {
    if (!j.contains(k.key)) continue;
    auto n = json_util::get_int(j, k.key, "", k.min);
    if (!n) return n.error();
    *k.out = *n;
  }
  return Ok{};
}

// Terms: autumn, spring and summer unless the set says otherwise.
Status parse_terms(const json& j, Impl& impl) {
  if (!j.contains("terms")) {
    impl.terms = {{"spring", 1, 1, 4, 14}, {"summer", 4, 15, 8, 31}, {"autumn", 9, 1, 12, 31}};
    return Ok{};
  }
  const json& t = j["terms"];
  if (!t.is_array() || t.empty()) return invalid_input("terms: expected a non-empty array");
  for (size_t i = 0; i < t.size(); ++i) {
    const std::string p = "terms[" + std::to_string(i) + "]";
    if (!t[i].is_object()) return invalid_input(p + ": expected an object");
    SF_TRY(json_util::only_keys(t[i], p, {"name", "from", "to"}));
    Term term;
    if (!t[i].contains("name") || !t[i]["name"].is_string()) {
      return invalid_input(p + ".name: expected a string");
    }
    term.name = t[i]["name"].get<std::string>();
    SF_TRY(parse_md(t[i].value("from", json()), p + ".from", term.from_month, term.from_day));
    SF_TRY(parse_md(t[i].value("to", json()), p + ".to", term.to_month, term.to_day));
    if (term.to_month * 100 + term.to_day < term.from_month * 100 + term.from_day) {
      return invalid_input(p + ": a term ends before it starts (terms do not span new year)");
    }
    impl.terms.push_back(term);
  }
  return Ok{};
}

Status parse_indicators(const json& j, Impl& impl) {
  if (!j.contains("indicators") || !j["indicators"].is_array() || j["indicators"].empty()) {
    return invalid_input("indicators: expected a non-empty array");
  }
  const json& inds = j["indicators"];
  for (size_t i = 0; i < inds.size(); ++i) {
    const std::string p = "indicators[" + std::to_string(i) + "]";
    const json& o = inds[i];
    if (!o.is_object()) return invalid_input(p + ": expected an object");
    SF_TRY(json_util::only_keys(o, p, {"code", "label", "description", "value", "unit"}));
    Indicator ind;
    for (auto [key, out] : {std::pair<const char*, std::string*>{"code", &ind.code},
                            {"label", &ind.label},
                            {"description", &ind.description}}) {
      if (!o.contains(key) || !o[key].is_string() || o[key].get<std::string>().empty()) {
        return invalid_input(p + "." + key + ": expected a non-empty string");
      }
      *out = o[key].get<std::string>();
    }
    for (char c : ind.code) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return invalid_input(p + ".code: '" + ind.code + "': use a-z, 0-9 and _");
      }
    }
    if (o.contains("value")) {
      if (!o["value"].is_boolean()) return invalid_input(p + ".value: expected true or false");
      ind.takes_value = o["value"].get<bool>();
    }
    if (o.contains("unit")) {
      if (!o["unit"].is_string()) return invalid_input(p + ".unit: expected a string");
      ind.unit = o["unit"].get<std::string>();
    }
    if (impl.by_code.count(ind.code)) {
      return invalid_input(p + ".code: '" + ind.code + "' is declared twice");
    }
    impl.by_code[ind.code] = impl.indicators.size();
    impl.indicators.push_back(ind);
  }
  return Ok{};
}

// A criterion's needs (NS, at path P), each id used once in the whole set.
Status parse_needs(const json& ns, const std::string& p, const Impl& impl,
                   std::set<std::string>& need_ids, Criterion& c) {
  if (!ns.is_array() || ns.empty()) return invalid_input(p + ".needs: expected a non-empty array");
  for (size_t k = 0; k < ns.size(); ++k) {
    const std::string np = p + ".needs[" + std::to_string(k) + "]";
    if (!ns[k].is_object()) return invalid_input(np + ": expected an object");
    SF_TRY(json_util::only_keys(ns[k], np, {"id", "title", "rule"}));
    Need n;
    if (!ns[k].contains("id") || !ns[k]["id"].is_string() || !ns[k].contains("title") ||
        !ns[k]["title"].is_string()) {
      return invalid_input(np + ": id and title must be strings");
    }
    n.id = ns[k]["id"].get<std::string>();
    n.title = ns[k]["title"].get<std::string>();
    if (!need_ids.insert(n.id).second) {
      return invalid_input(np + ".id: '" + n.id + "' is used twice");
    }
    if (!ns[k].contains("rule")) return invalid_input(np + ".rule: missing");
    auto r = parse_rule(ns[k]["rule"], np + ".rule", impl);
    if (!r) return r.error();
    n.rule = *r;
    c.needs.push_back(std::move(n));
  }
  return Ok{};
}

// Criteria: each has needs, or a single rule (one need named after it).
Status parse_criteria(const json& j, Impl& impl) {
  if (!j.contains("criteria") || !j["criteria"].is_array() || j["criteria"].empty()) {
    return invalid_input("criteria: expected a non-empty array");
  }
  std::set<int> ids;
  std::set<std::string> need_ids;
  const json& cs = j["criteria"];
  for (size_t i = 0; i < cs.size(); ++i) {
    const std::string p = "criteria[" + std::to_string(i) + "]";
    const json& o = cs[i];
    if (!o.is_object()) return invalid_input(p + ": expected an object");
    SF_TRY(json_util::only_keys(o, p, {"id", "title", "needs", "rule"}));
    Criterion c;
    auto id = json_util::get_int(o, "id", p, 1);
    if (!id) return id.error();
    c.id = *id;
    if (!ids.insert(c.id).second) {
      return invalid_input(p + ".id: " + std::to_string(c.id) + " is used twice");
    }
    if (!o.contains("title") || !o["title"].is_string()) {
      return invalid_input(p + ".title: expected a string");
    }
    c.title = o["title"].get<std::string>();
    if (o.contains("rule") == o.contains("needs")) {
      return invalid_input(p + ": give either rule or needs");
    }
    if (o.contains("rule")) {
      auto r = parse_rule(o["rule"], p + ".rule", impl);
      if (!r) return r.error();
      c.needs.push_back(Need{std::to_string(c.id), c.title, *r});
    } else {
      SF_TRY(parse_needs(o["needs"], p, impl, need_ids, c));
    }
    impl.criteria.push_back(std::move(c));
  }
  std::sort(impl.criteria.begin(), impl.criteria.end(),
            [](const Criterion& a, const Criterion& b) { return a.id < b.id; });
  return Ok{};
}

Status parse_body(const json& j, Impl& impl) {
  if (!j.is_object()) return invalid_input("expected a criteria set (a JSON object)");
  SF_TRY(json_util::only_keys(
      j, "",
      {"name", "title", "description", "sources", "approximations", "count", "threshold",
       "requires", "requires_label", "adult_age", "dependent_child_age", "non_resident_parent_max",
       "terms", "indicators", "criteria"}));
  SF_TRY(parse_header(j, impl));
  SF_TRY(parse_terms(j, impl));
  SF_TRY(parse_indicators(j, impl));
  if (j.contains("requires")) {
    auto r = parse_rule(j["requires"], "requires", impl);
    if (!r) return r.error();
    impl.requires_rule = *r;
    if (impl.requires_label.empty()) impl.requires_label = "the household requirement";
  }
  return parse_criteria(j, impl);
}

Result<std::unique_ptr<Impl>> parse_set(const std::string& text, const std::string& label) {
  auto doc = json_util::parse(text, label);
  if (!doc) return std::move(doc).error();
  auto impl = std::make_unique<Impl>();
  impl->text = text;
  if (auto s = parse_body(*doc, *impl); !s) return s.error().with_context(label);
  return impl;
}

// ---- evaluation ----------------------------------------------------------

std::string fmt_number(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    return s;
  }
  return buf;
}

Date add_months(const Date& d, int months) {
  int total = d.year * 12 + (d.month - 1) + months;
  Date r{total / 12, total % 12 + 1, d.day};
  while (r.day > 28 && !is_valid_date(r.year, r.month, r.day)) --r.day;
  return r;
}

struct Ctx {
  const Impl& set;
  const Household& h;
  Date as_of;
  std::map<std::string, const Member*> members;
  bool resident_only = false;  // evaluate without non-resident members' evidence
};

struct Eval {
  bool met = false;
  bool relevant = false;  // evidence (or a household fact) bears on the rule
  std::vector<Because> because;
  std::vector<std::string> why_not;
};

std::string window_text(const Window& w) {
  switch (w.kind) {
    case Window::kMonths:
      return "the last " + std::to_string(w.n) + (w.n == 1 ? " month" : " months");
    case Window::kTerms:
      return "the last " + std::to_string(w.n) + (w.n == 1 ? " term" : " terms");
    case Window::kDays:
      return "the last " + std::to_string(w.n) + (w.n == 1 ? " day" : " days");
    case Window::kNone:
      break;
  }
  return "";
}

Date window_start(const Window& w, const Ctx& c) {
  switch (w.kind) {
    case Window::kMonths:
      return add_months(c.as_of, -w.n);
    case Window::kDays:
      return Date::from_days(c.as_of.days() - w.n);
    case Window::kTerms: {
      // Term instances of the last few years that started on or before
      // as_of; the window opens at the start of the Nth most recent.
      std::vector<Date> starts;
      for (int y = c.as_of.year - (w.n / 2 + 2); y <= c.as_of.year; ++y) {
        for (const auto& t : c.set.terms) {
          Date s{y, t.from_month, t.from_day};
          if (s <= c.as_of) starts.push_back(s);
        }
      }
      std::sort(starts.begin(), starts.end());
      if (starts.empty()) return c.as_of;
      size_t n = static_cast<size_t>(w.n);
      return starts.size() >= n ? starts[starts.size() - n] : starts.front();
    }
    case Window::kNone:
      break;
  }
  return Date{1800, 1, 1};
}

bool child_at(const Member& m, const Date& on, int adult_age) {
  if (m.dob) return age_on(*m.dob, on) < adult_age;
  return m.role == "child";
}

Eval eval(const Rule& r, const Ctx& c);

Eval eval_household(const Rule& r, const Ctx& c) {
  Eval e;
  e.relevant = true;
  for (const auto& m : c.h.members) {
    if (!m.resident) continue;
    if (m.dob && *m.dob > c.as_of) continue;  // not born yet
    bool hit = false;
    if (r.household == "child_present") {
      hit = child_at(m, c.as_of, c.set.adult_age);
    } else if (r.household == "adult_present") {
      hit = !child_at(m, c.as_of, c.set.adult_age);
    } else if (r.household == "dependent_child") {
      // Approximation: a member recorded as a child, or under the adult
      // age, who is under dependent_child_age (19: a 16-18 year old is
      // assumed to be in education or training, which we cannot see).
      hit = (m.role == "child" || child_at(m, c.as_of, c.set.adult_age)) &&
            (!m.dob || age_on(*m.dob, c.as_of) < c.set.dependent_child_age);
    }
    if (hit) {
      e.met = true;
      e.because.push_back({"", m.id, m.name + " (" + m.relationship + ")"});
      break;
    }
  }
  if (!e.met) {
    if (r.household == "child_present")
      e.why_not.push_back("no child in the household");
    else if (r.household == "adult_present")
      e.why_not.push_back("no adult in the household");
    else
      e.why_not.push_back("no dependent child in the household");
  }
  return e;
}

bool compare(double v, const ValueCond& c) {
  if (c.op == "<") return v < c.value;
  if (c.op == "<=") return v <= c.value;
  if (c.op == ">") return v > c.value;
  if (c.op == ">=") return v >= c.value;
  return std::fabs(v - c.value) < 1e-9;
}

std::string negate(const std::string& op) {
  if (op == "<") return ">=";
  if (op == "<=") return ">";
  if (op == ">") return "<=";
  if (op == ">=") return "<";
  return "!=";
}

Eval eval_evidence(const Rule& r, const Ctx& c) {
  Eval e;
  const Date from = window_start(r.within, c);
  std::vector<const Evidence*> hits;
  std::vector<std::string> misses;
  for (const auto& ev : c.h.evidence) {
    if (std::find(r.indicators.begin(), r.indicators.end(), ev.indicator) == r.indicators.end())
      continue;
    if (ev.date > c.as_of) continue;  // noted once by evaluate()
    const Member* m = nullptr;
    if (!ev.member.empty()) {
      auto it = c.members.find(ev.member);
      if (it != c.members.end()) m = it->second;
    }
    if (c.resident_only && m && !m->resident) continue;
    e.relevant = true;
    const Indicator& ind = c.set.indicators[c.set.by_code.at(ev.indicator)];
    const std::string what = ind.label + " on " + ev.date.iso();
    const std::string who = m ? m->name + ": " : "";
    if (r.within.kind != Window::kNone && ev.date < from) {
      misses.push_back(who + what + " is before " + window_text(r.within) + " (from " + from.iso() +
                       ")");
      continue;
    }
    if (r.member.any) {
      if (!m) {
        misses.push_back(what + " names no household member");
        continue;
      }
      if (!r.member.role.empty() && m->role != r.member.role) {
        misses.push_back(who + what + ": not " +
                         (r.member.role == "adult" ? "an adult" : "a child"));
        continue;
      }
      if (r.member.age_below || r.member.age_at_least) {
        if (!m->dob) {
          misses.push_back(who + what + ": date of birth unknown");
          continue;
        }
        int age = age_on(*m->dob, ev.date);
        if (r.member.age_below && age >= *r.member.age_below) {
          misses.push_back(who + what + ": aged " + std::to_string(age) + " then, not under " +
                           std::to_string(*r.member.age_below));
          continue;
        }
        if (r.member.age_at_least && age < *r.member.age_at_least) {
          misses.push_back(who + what + ": aged " + std::to_string(age) + " then, under " +
                           std::to_string(*r.member.age_at_least));
          continue;
        }
      }
    }
    if (r.value) {
      if (!ev.value) {
        misses.push_back(who + what + ": no value recorded");
        continue;
      }
      if (!compare(*ev.value, *r.value)) {
        misses.push_back(who + ind.label + " " + fmt_number(*ev.value) + ind.unit + " " +
                         negate(r.value->op) + " " + fmt_number(r.value->value) + ind.unit +
                         " on " + ev.date.iso());
        continue;
      }
    }
    hits.push_back(&ev);
  }
  std::sort(hits.begin(), hits.end(),
            [](const Evidence* a, const Evidence* b) { return a->date < b->date; });
  const std::string in_window =
      r.within.kind == Window::kNone ? "" : " in " + window_text(r.within);
  if (static_cast<int>(hits.size()) >= r.count && !hits.empty()) {
    e.met = true;
    if (r.count == 1) {
      for (const Evidence* ev : hits) {
        const Indicator& ind = c.set.indicators[c.set.by_code.at(ev->indicator)];
        std::string d = ind.label;
        if (r.value && ev->value) {
          d += " " + fmt_number(*ev->value) + ind.unit + " " + r.value->op + " " +
               fmt_number(r.value->value) + ind.unit;
        } else if (ev->value) {
          d += " " + fmt_number(*ev->value) + ind.unit;
        }
        d += " on " + ev->date.iso();
        e.because.push_back({ev->indicator, ev->member, d});
      }
    } else {
      std::string member = hits.front()->member, dates;
      for (const Evidence* ev : hits) {
        if (ev->member != member) member.clear();
        dates += (dates.empty() ? "" : ", ") + ev->date.iso();
      }
      const Indicator& ind = c.set.indicators[c.set.by_code.at(hits.front()->indicator)];
      e.because.push_back(
          {hits.front()->indicator, member,
           std::to_string(hits.size()) + " × " + ind.label + in_window + " (" + dates + ")"});
    }
    return e;
  }
  e.why_not = misses;
  if (!hits.empty()) {
    const Indicator& ind = c.set.indicators[c.set.by_code.at(hits.front()->indicator)];
    e.why_not.push_back(std::to_string(hits.size()) + " × " + ind.label + in_window + ", " +
                        std::to_string(r.count) + " needed");
  }
  return e;
}

void append_unique(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const auto& s : from) {
    if (std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
  }
}

Eval eval(const Rule& r, const Ctx& c) {
  switch (r.kind) {
    case Rule::kEvidence:
      return eval_evidence(r, c);
    case Rule::kHousehold:
      return eval_household(r, c);
    case Rule::kAll: {
      Eval e;
      e.met = true;
      e.relevant = true;
      for (const auto& ch : r.children) {
        Eval x = eval(*ch, c);
        if (!x.relevant) e.relevant = false;
        if (x.met) {
          e.because.insert(e.because.end(), x.because.begin(), x.because.end());
        } else {
          e.met = false;
          append_unique(e.why_not, x.why_not);
        }
      }
      if (e.met) {
        e.why_not.clear();
        // Household facts explain nothing on their own; keep the evidence.
        std::vector<Because> ev;
        for (auto& b : e.because) {
          if (!b.indicator.empty()) ev.push_back(b);
        }
        if (!ev.empty()) e.because = ev;
      } else {
        e.because.clear();
        if (!e.relevant) e.why_not.clear();
      }
      return e;
    }
    case Rule::kAny:
    case Rule::kAtLeast: {
      Eval e;
      int met = 0;
      const int need = r.kind == Rule::kAny ? 1 : r.at_least;
      for (const auto& ch : r.children) {
        Eval x = eval(*ch, c);
        if (x.relevant) e.relevant = true;
        if (x.met) {
          ++met;
          e.because.insert(e.because.end(), x.because.begin(), x.because.end());
        } else if (x.relevant) {
          append_unique(e.why_not, x.why_not);
        }
      }
      e.met = met >= need;
      if (e.met) {
        e.why_not.clear();
      } else {
        e.because.clear();
        if (r.kind == Rule::kAtLeast && e.relevant) {
          e.why_not.push_back(std::to_string(met) + " of " + std::to_string(r.children.size()) +
                              " conditions met, " + std::to_string(need) + " needed");
        }
      }
      return e;
    }
  }
  return {};
}

}  // namespace

// ---- CriteriaSet ---------------------------------------------------------

CriteriaSet::CriteriaSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CriteriaSet::CriteriaSet(CriteriaSet&&) noexcept = default;
CriteriaSet& CriteriaSet::operator=(CriteriaSet&&) noexcept = default;
CriteriaSet::~CriteriaSet() = default;

std::vector<std::string> CriteriaSet::shipped() {
  std::vector<std::string> out;
  const std::string dir = kCriteriaDir;
  for (const auto& r : embedded::all()) {
    std::string n(r.name);
    if (n.rfind(dir, 0) == 0 && n.size() > dir.size() + 5 && n.ends_with(".json")) {
      out.push_back(n.substr(dir.size(), n.size() - dir.size() - 5));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<CriteriaSet> CriteriaSet::parse(const std::string& text, const std::string& label) {
  auto impl = parse_set(text, label);
  if (!impl) return std::move(impl).error();
  return CriteriaSet(std::move(*impl));
}

Result<CriteriaSet> CriteriaSet::load(const std::string& name_or_path) {
  const bool is_path =
      name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".json");
  if (is_path) {
    auto text = read_file(name_or_path);
    if (!text) return std::move(text).error();
    return parse(*text, name_or_path);
  }
  const std::string want = std::string(kCriteriaDir) + name_or_path + ".json";
  for (const auto& r : embedded::all()) {
    if (r.name == want) return parse(std::string(r.data), name_or_path);
  }
  std::string list;
  for (const auto& n : shipped()) list += (list.empty() ? "" : ", ") + n;
  return Error(Errc::kInvalidInput, "unknown criteria set '" + name_or_path + "'",
               {"the shipped sets are: " + list,
                "or give the path of a set file (see sfcohort-criteria(5))"});
}

const std::string& CriteriaSet::name() const { return impl_->name; }
const std::string& CriteriaSet::title() const { return impl_->title; }
const std::string& CriteriaSet::source_text() const { return impl_->text; }
const std::vector<Indicator>& CriteriaSet::indicators() const { return impl_->indicators; }
std::string CriteriaSet::count_mode() const { return impl_->count; }
Status CriteriaSet::set_count_mode(const std::string& mode) {
  if (mode != "criteria" && mode != "needs") {
    return invalid_input("count: expected criteria or needs, not '" + mode + "'");
  }
  impl_->count = mode;
  return Ok{};
}

int CriteriaSet::threshold() const { return impl_->threshold; }

const Indicator* CriteriaSet::indicator(const std::string& code) const {
  auto it = impl_->by_code.find(code);
  return it == impl_->by_code.end() ? nullptr : &impl_->indicators[it->second];
}

std::string CriteriaSet::criterion_title(int id) const {
  for (const auto& c : impl_->criteria) {
    if (c.id == id) return c.title;
  }
  return "";
}

std::string CriteriaSet::summary() const {
  if (impl_->count == "needs") return std::to_string(impl_->threshold) + " or more needs";
  return std::to_string(impl_->threshold) + " or more of " + std::to_string(impl_->criteria.size());
}

std::vector<std::string> CriteriaSet::nearest(const std::string& code) const {
  std::vector<std::pair<int, std::string>> scored;
  const int limit = std::max(2, static_cast<int>(code.size()) / 3);
  for (const auto& ind : impl_->indicators) {
    int d = edit_distance(code, ind.code, limit);
    // A code that contains the typed text (or the reverse) is a likely aim too.
    if (d > limit && code.size() >= 3 &&
        (ind.code.find(code) != std::string::npos || code.find(ind.code) != std::string::npos)) {
      d = limit;
    }
    if (d <= limit) scored.push_back({d, ind.code});
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

Outcome CriteriaSet::evaluate(const Household& h, const Date& as_of) const {
  const Impl& s = *impl_;
  Outcome o;
  o.criteria_set = s.name;
  o.title = s.title;
  o.as_of = as_of;
  o.count = s.count;
  o.threshold = s.threshold;
  Ctx c{s, h, as_of, {}, false};
  bool any_non_resident = false;
  for (const auto& m : h.members) {
    c.members[m.id] = &m;
    if (!m.resident) any_non_resident = true;
  }
  int later = 0;
  for (const auto& ev : h.evidence) {
    if (ev.date > as_of) ++later;
    if (!s.by_code.count(ev.indicator)) {
      o.notes.push_back("indicator '" + ev.indicator + "' is not in " + s.name + ": ignored");
    }
  }
  if (later > 0) {
    o.notes.push_back(std::to_string(later) + " evidence item" + (later == 1 ? " is" : "s are") +
                      " dated after " + as_of.iso() + ": ignored");
  }
  Ctx resident = c;
  resident.resident_only = true;
  // Needs met only through a non-resident parent's evidence: at most
  // non_resident_parent_max of them count.
  int nr_budget = s.non_resident_max;
  for (const auto& cr : s.criteria) {
    CriterionResult r;
    r.id = cr.id;
    r.title = cr.title;
    bool resident_met = false;
    for (const auto& need : cr.needs) {
      Eval e = eval(*need.rule, c);
      NeedResult n;
      n.id = need.id;
      n.title = need.title;
      n.met = e.met;
      n.because = e.because;
      n.why_not = e.relevant ? e.why_not : std::vector<std::string>{};
      if (e.met && any_non_resident) {
        bool res = eval(*need.rule, resident).met;
        if (res) {
          resident_met = true;
        } else if (s.count == "needs") {
          if (nr_budget > 0) {
            --nr_budget;
          } else {
            n.counted = false;
          }
        }
      } else if (e.met) {
        resident_met = true;
      }
      if (n.met) r.because.insert(r.because.end(), n.because.begin(), n.because.end());
      append_unique(r.why_not, n.why_not);
      r.met = r.met || n.met;
      r.needs.push_back(std::move(n));
    }
    if (r.met) {
      r.why_not.clear();
      if (s.count == "criteria" && !resident_met) {
        if (nr_budget > 0) {
          --nr_budget;
        } else {
          r.counted = false;
        }
      }
      if (!r.counted) {
        o.notes.push_back("criterion " + std::to_string(r.id) +
                          " is met only through a non-resident parent, who can account for " +
                          std::to_string(s.non_resident_max) + " problem" +
                          (s.non_resident_max == 1 ? "" : "s") + " at most: not counted");
      }
    } else if (r.why_not.empty()) {
      r.why_not.push_back("no evidence");
    }
    if (s.count == "needs") {
      bool any_counted = false;
      for (const auto& n : r.needs) {
        if (n.met && n.counted) {
          o.needs_met.push_back(n.id);
          any_counted = true;
        } else if (n.met) {
          o.notes.push_back("need " + n.id +
                            " is met only through a non-resident parent: not counted");
        }
      }
      r.counted = r.met && any_counted;
    }
    if (r.met && r.counted) o.met.push_back(r.id);
    o.criteria.push_back(std::move(r));
  }
  o.counted =
      s.count == "needs" ? static_cast<int>(o.needs_met.size()) : static_cast<int>(o.met.size());
  if (s.requires_rule) {
    o.requirement = s.requires_label;
    Eval e = eval(*s.requires_rule, c);
    o.requirement_met = e.met;
    if (!e.met)
      o.notes.push_back("the household does not meet the requirement: " + s.requires_label);
  }
  o.eligible = o.requirement_met && o.counted >= s.threshold;
  return o;
}

Member member_from(const std::string& id, const std::string& given_name, const std::string& dob,
                   const std::string& role) {
  Member m;
  m.id = id;
  m.name = given_name.empty() ? id : given_name;
  if (auto d = parse_date(dob)) m.dob = *d;
  m.role = role;
  return m;
}

Evidence evidence_from(const std::string& indicator, const std::string& member,
                       const std::string& date, std::optional<double> value,
                       const std::string& source) {
  Evidence e;
  e.indicator = indicator;
  e.member = member;
  if (auto d = parse_date(date)) e.date = *d;
  e.value = value;
  e.source = source;
  return e;
}

}  // namespace sfcohort::criteria

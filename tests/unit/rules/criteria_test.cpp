// The shipped criteria sets against hand-worked households, edges first:
// exactly 90% attendance, an offence 12 months and a day ago, one call-out
// with and without a child present, no dependent child, a non-resident
// parent, needs against headline areas.
#include <doctest/doctest.h>

#include <algorithm>

#include "sfcohort/criteria.hpp"

using namespace sfcohort;
using namespace sfcohort::criteria;

namespace {

Date d(const char* iso) {
  auto r = parse_date(iso);
  REQUIRE(r.has_value());
  return *r;
}

CriteriaSet set(const char* name) {
  auto s = CriteriaSet::load(name);
  REQUIRE_MESSAGE(s.has_value(), (s.has_value() ? "" : s.error().message));
  return std::move(*s);
}

Member member(const char* id, const char* dob, const char* role, bool resident = true) {
  Member m;
  m.id = id;
  m.name = id;
  m.dob = d(dob);
  m.role = role;
  m.relationship = role == std::string("child") ? "son" : "mother";
  m.resident = resident;
  return m;
}

Evidence ev(const char* indicator, const char* who, const char* date,
            std::optional<double> value = std::nullopt) {
  return Evidence{indicator, who, d(date), value, "test"};
}

// A mother and a 9-year-old son (as of 2018), plus EXTRA evidence.
Household family(std::vector<Evidence> extra) {
  Household h;
  h.members = {member("m1", "1985-04-02", "adult"), member("c1", "2008-09-12", "child")};
  h.evidence = std::move(extra);
  return h;
}

Household adults_only(std::vector<Evidence> extra) {
  Household h;
  h.members = {member("m1", "1985-04-02", "adult"), member("m2", "1983-01-01", "adult")};
  h.evidence = std::move(extra);
  return h;
}

bool met(const Outcome& o, int id) {
  return std::find(o.met.begin(), o.met.end(), id) != o.met.end();
}

const CriterionResult& crit(const Outcome& o, int id) {
  for (const auto& c : o.criteria) {
    if (c.id == id) return c;
  }
  FAIL("no criterion " << id);
  return o.criteria.front();
}

}  // namespace

TEST_CASE("criteria: every shipped set loads and declares its vocabulary") {
  auto names = CriteriaSet::shipped();
  REQUIRE(names == std::vector<std::string>{"kirklees-2015", "supporting-families-2022",
                                            "troubled-families-2015"});
  for (const auto& n : names) {
    CAPTURE(n);
    auto s = set(n.c_str());
    CHECK(s.name() == n);
    CHECK(!s.indicators().empty());
    CHECK(s.indicator("school_attendance_pct") != nullptr);
    CHECK(s.indicator("school_attendance_pct")->takes_value);
  }
  CHECK(set("kirklees-2015").summary() == "2 or more of 6");
  CHECK(set("supporting-families-2022").summary() == "3 or more needs");
}

TEST_CASE("criteria: unknown sets and malformed set files are input errors") {
  auto s = CriteriaSet::load("kirklees-2051");
  REQUIRE(!s);
  CHECK(s.error().code == Errc::kInvalidInput);
  CHECK(s.error().message == "unknown criteria set 'kirklees-2051'");
  REQUIRE(!s.error().hints.empty());
  CHECK(s.error().hints[0].find("kirklees-2015") != std::string::npos);

  auto missing = CriteriaSet::load("no/such/set.json");
  REQUIRE(!missing);
  CHECK(missing.error().code == Errc::kEnvironment);

  const std::string base = R"({"name": "t", "title": "T", "threshold": 1,
    "indicators": [{"code": "a", "label": "a", "description": "a"}],
    "criteria": [{"id": 1, "title": "One", "rule": RULE}]})";
  auto with = [&](const std::string& rule) {
    std::string t = base;
    t.replace(t.find("RULE"), 4, rule);
    return CriteriaSet::parse(t, "t.json");
  };
  CHECK(with(R"({"indicator": "a"})").has_value());
  struct Bad {
    const char* rule;
    const char* message;
  } bad[] = {
      {R"({"indicator": "b"})",
       "t.json: criteria[0].rule.indicator: 'b' is not in the set's indicators"},
      {R"({"indicator": "a", "withn": {"months": 1}})",
       "t.json: criteria[0].rule.withn: unknown key 'withn'"},
      {R"({"indicator": "a", "within": {"weeks": 1}})",
       "t.json: criteria[0].rule.within.weeks: unknown key 'weeks'"},
      {R"({"indicator": "a", "value": {"<": 9}})",
       "t.json: criteria[0].rule.value: indicator 'a' takes no value"},
      {R"({"any": []})", "t.json: criteria[0].rule.any: expected a non-empty array of rules"},
      {R"({"household": "pets"})",
       "t.json: criteria[0].rule.household: expected child_present, dependent_child or "
       "adult_present"},
      {R"({"indicator": "a", "count": 0})",
       "t.json: criteria[0].rule.count: expected a whole number of at least 1"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.rule);
    auto r = with(b.rule);
    REQUIRE(!r);
    CHECK(r.error().code == Errc::kInvalidInput);
    CHECK(r.error().message == b.message);
  }
  auto syntax = CriteriaSet::parse("{\"name\": \n  \"t\",, }", "t.json");
  REQUIRE(!syntax);
  CHECK(syntax.error().message.rfind("t.json: not valid JSON at line 2, column", 0) == 0);
}

TEST_CASE("criteria: nearest codes for a typo") {
  auto s = set("kirklees-2015");
  auto n = s.nearest("school_atendance_pct");
  REQUIRE(!n.empty());
  CHECK(n[0] == "school_attendance_pct");
  CHECK(s.nearest("dv_police_callouts")[0] == "dv_police_callout");
  CHECK(s.nearest("zzzzzzzzzzzzzzzzzzzzzzzzzzzz").empty());
}

TEST_CASE("kirklees-2015: attendance below 90% over the last 3 terms") {
  auto s = set("kirklees-2015");
  const Date as_of = d("2018-05-01");  // summer term: the window opens on 2017-09-01
  struct Row {
    const char* date;
    double pct;
    bool met;
  } rows[] = {
      {"2018-03-31", 84.5, true},  {"2018-03-31", 89.9, true},
      {"2018-03-31", 90.0, false},                              // exactly 90% is not below 90%
      {"2018-03-31", 97.0, false}, {"2017-09-01", 80.0, true},  // first day of the oldest term
      {"2017-08-31", 80.0, false},                              // the term before
  };
  for (const auto& r : rows) {
    CAPTURE(r.date);
    CAPTURE(r.pct);
    auto o = s.evaluate(family({ev("school_attendance_pct", "c1", r.date, r.pct)}), as_of);
    CHECK(met(o, 2) == r.met);
    if (!r.met) CHECK(!crit(o, 2).why_not.empty());
  }
  auto o = s.evaluate(family({ev("school_attendance_pct", "c1", "2018-03-31", 90.0)}), as_of);
  CHECK(crit(o, 2).why_not[0] == "c1: attendance 90% >= 90% on 2018-03-31");
  o = s.evaluate(family({ev("school_attendance_pct", "c1", "2018-03-31", 84.5)}), as_of);
  REQUIRE(crit(o, 2).because.size() == 1);
  CHECK(crit(o, 2).because[0].member == "c1");
  CHECK(crit(o, 2).because[0].detail == "attendance 84.5% < 90% on 2018-03-31");
}

TEST_CASE("kirklees-2015: school terms are counted back from --as-of") {
  auto s = set("kirklees-2015");
  // As of 1 October 2018 (autumn): autumn 2018, summer 2018, spring 2018.
  auto att = [&](const char* date, const char* as_of) {
    return met(s.evaluate(family({ev("school_attendance_pct", "c1", date, 80.0)}), d(as_of)), 2);
  };
  CHECK(att("2018-01-01", "2018-10-01"));
  CHECK_FALSE(att("2017-12-31", "2018-10-01"));
  // As of 14 April (the last day of spring): spring, autumn, summer 2017.
  CHECK(att("2017-04-15", "2018-04-14"));
  CHECK_FALSE(att("2017-04-14", "2018-04-14"));
  // 3 fixed-term exclusions in the window are needed, not 2.
  auto two = s.evaluate(family({ev("fixed_term_exclusion", "c1", "2017-10-01"),
                                ev("fixed_term_exclusion", "c1", "2018-02-01")}),
                        d("2018-05-01"));
  CHECK_FALSE(met(two, 2));
  CHECK(crit(two, 2).why_not.back() == "2 × fixed-term exclusion in the last 3 terms, 3 needed");
  auto three = s.evaluate(family({ev("fixed_term_exclusion", "c1", "2017-10-01"),
                                  ev("fixed_term_exclusion", "c1", "2018-02-01"),
                                  ev("fixed_term_exclusion", "c1", "2018-04-20")}),
                          d("2018-05-01"));
  CHECK(met(three, 2));
}

TEST_CASE("kirklees-2015: a proven offence by an under-18 in the last 12 months") {
  auto s = set("kirklees-2015");
  const Date as_of = d("2018-05-01");
  struct Row {
    const char* date;
    const char* who;
    bool met;
  } rows[] = {
      {"2018-01-10", "c1", true},
      {"2017-05-01", "c1", true},   // exactly 12 months ago
      {"2017-04-30", "c1", false},  // 12 months and a day ago
      {"2018-01-10", "m1", false},  // an adult's offence is not this condition
  };
  for (const auto& r : rows) {
    CAPTURE(r.date);
    CAPTURE(r.who);
    CHECK(met(s.evaluate(family({ev("proven_offence", r.who, r.date)}), as_of), 1) == r.met);
  }
  // Age at the offence, not today: 17 then, 19 now.
  Household h;
  h.members = {member("y1", "2000-06-01", "adult")};
  h.evidence = {ev("proven_offence", "y1", "2017-05-20")};
  CHECK(met(s.evaluate(h, as_of), 1));
  h.evidence = {ev("proven_offence", "y1", "2018-06-01")};  // after as_of: ignored
  auto o = s.evaluate(h, d("2018-07-01"));
  CHECK_FALSE(met(o, 1));
  CHECK(crit(o, 1).why_not[0] == "y1: proven offence on 2018-06-01: aged 18 then, not under 18");
  o = s.evaluate(family({ev("proven_offence", "c1", "2017-04-30")}), as_of);
  CHECK(crit(o, 1).why_not[0] ==
        "c1: proven offence on 2017-04-30 is before the last 12 months (from 2017-05-01)");
}

TEST_CASE("kirklees-2015: police call-outs for domestic abuse, with and without a child") {
  auto s = set("kirklees-2015");
  const Date as_of = d("2018-05-01");
  // One call-out counts only with a child present.
  CHECK(met(s.evaluate(family({ev("dv_police_callout", "m1", "2018-02-14")}), as_of), 5));
  auto one = s.evaluate(adults_only({ev("dv_police_callout", "m1", "2018-02-14")}), as_of);
  CHECK_FALSE(met(one, 5));
  CHECK(crit(one, 5).why_not ==
        std::vector<std::string>{
            "1 × police call-out for domestic abuse in the last 12 months, 2 needed",
            "no child in the household"});
  // Two in 12 months count without a child.
  CHECK(met(s.evaluate(adults_only({ev("dv_police_callout", "m1", "2017-11-02"),
                                    ev("dv_police_callout", "m1", "2018-02-14")}),
                       as_of),
            5));
  // ... but not when one is older than 12 months.
  CHECK_FALSE(met(s.evaluate(adults_only({ev("dv_police_callout", "m1", "2017-04-30"),
                                          ev("dv_police_callout", "m1", "2018-02-14")}),
                             as_of),
                  5));
  // A "child" who has turned 18 by --as-of is not a child present.
  Household grown = family({ev("dv_police_callout", "m1", "2018-02-14")});
  grown.members[1].dob = d("2000-01-01");
  CHECK_FALSE(met(s.evaluate(grown, as_of), 5));
  // No evidence at all says so.
  CHECK(crit(s.evaluate(family({}), as_of), 5).why_not == std::vector<std::string>{"no evidence"});
}

TEST_CASE("kirklees-2015: 2 of 6 criteria make a family eligible") {
  auto s = set("kirklees-2015");
  const Date as_of = d("2018-05-01");
  auto one = s.evaluate(family({ev("school_attendance_pct", "c1", "2018-03-31", 84.5)}), as_of);
  CHECK_FALSE(one.eligible);
  CHECK(one.counted == 1);
  auto two = s.evaluate(family({ev("school_attendance_pct", "c1", "2018-03-31", 84.5),
                                ev("dv_police_callout", "m1", "2018-02-14")}),
                        as_of);
  CHECK(two.eligible);
  CHECK(two.met == std::vector<int>{2, 5});
  // Two needs of one criterion are still one criterion.
  auto same = s.evaluate(family({ev("school_attendance_pct", "c1", "2018-03-31", 84.5),
                                 ev("permanent_exclusion", "c1", "2018-03-01")}),
                         as_of);
  CHECK_FALSE(same.eligible);
  // Evidence dated after --as-of is ignored, with a note.
  auto later = s.evaluate(family({ev("school_attendance_pct", "c1", "2018-06-30", 84.5)}), as_of);
  CHECK_FALSE(met(later, 2));
  REQUIRE(!later.notes.empty());
  CHECK(later.notes[0] == "1 evidence item is dated after 2018-05-01: ignored");
}

TEST_CASE("kirklees-2015: a non-resident parent accounts for one problem at most") {
  auto s = set("kirklees-2015");
  const Date as_of = d("2018-05-01");
  Household h = family(
      {ev("out_of_work_benefit", "f1", "2018-01-01"), ev("substance_misuse", "f1", "2018-02-01")});
  h.members.push_back(member("f1", "1980-01-01", "adult", false));
  auto o = s.evaluate(h, as_of);
  CHECK(crit(o, 4).met);
  CHECK(crit(o, 6).met);
  CHECK(o.counted == 1);
  CHECK_FALSE(o.eligible);
  CHECK_FALSE(crit(o, 6).counted);
  // With a resident problem as well, the family has 2.
  h.evidence.push_back(ev("school_attendance_pct", "c1", "2018-03-31", 84.5));
  o = s.evaluate(h, as_of);
  CHECK(o.eligible);
  CHECK(o.met == std::vector<int>{2, 4});
  // The same evidence about a resident father counts in full.
  h.members.back().resident = true;
  CHECK(s.evaluate(h, as_of).met == std::vector<int>{2, 4, 6});
}

TEST_CASE("troubled-families-2015: a dependent child is required") {
  auto s = set("troubled-families-2015");
  const Date as_of = d("2018-05-01");
  std::vector<Evidence> two = {ev("out_of_work_benefit", "m1", "2018-01-01"),
                               ev("adult_mental_health", "m1", "2018-02-01")};
  auto none = s.evaluate(adults_only(two), as_of);
  CHECK(none.counted == 2);
  CHECK_FALSE(none.requirement_met);
  CHECK_FALSE(none.eligible);
  CHECK(none.notes.back() == "the household does not meet the requirement: a dependent child");
  auto with = s.evaluate(family(two), as_of);
  CHECK(with.requirement_met);
  CHECK(with.eligible);
  // A child of 18 (16-18, assumed in education) is dependent; one of 19 is not.
  Household h = adults_only(two);
  h.members.push_back(member("c9", "1999-06-01", "child"));  // 18 on 2018-05-01
  CHECK(s.evaluate(h, as_of).eligible);
  h.members.back().dob = d("1999-04-01");  // 19
  CHECK_FALSE(s.evaluate(h, as_of).eligible);
  // Any one domestic abuse incident counts nationally.
  CHECK(met(s.evaluate(adults_only({ev("dv_police_callout", "m1", "2018-02-14")}), as_of), 5));
  // The national crime headline counts an adult's offence; Kirklees does not.
  CHECK(met(s.evaluate(family({ev("proven_offence", "m1", "2018-01-10")}), as_of), 1));
}

TEST_CASE("supporting-families-2022: 3 needs, or 3 headline areas when configured") {
  auto s = set("supporting-families-2022");
  const Date as_of = d("2023-06-01");
  // Three needs in two headlines: 3a, 3b (health) and 8a (domestic abuse).
  Household h = family({ev("adult_mental_health", "m1", "2023-01-10"),
                        ev("child_mental_health", "c1", "2023-02-10"),
                        ev("dv_incident", "m1", "2023-03-10")});
  auto o = s.evaluate(h, as_of);
  CHECK(o.count == "needs");
  CHECK(o.needs_met == std::vector<std::string>{"3a", "3b", "8a"});
  CHECK(o.met == std::vector<int>{3, 8});
  CHECK(o.eligible);
  REQUIRE(s.set_count_mode("criteria").has_value());
  o = s.evaluate(h, as_of);
  CHECK(o.counted == 2);
  CHECK_FALSE(o.eligible);
  CHECK(!s.set_count_mode("headlines").has_value());
}

TEST_CASE("supporting-families-2022: dependent children or an expectant parent") {
  auto s = set("supporting-families-2022");
  const Date as_of = d("2023-06-01");
  std::vector<Evidence> three = {ev("adult_mental_health", "m1", "2023-01-10"),
                                 ev("homelessness_risk", "", "2023-02-10"),
                                 ev("financial_exclusion_risk", "m2", "2023-03-10")};
  auto o = s.evaluate(adults_only(three), as_of);
  CHECK(o.counted == 3);
  CHECK_FALSE(o.eligible);
  three.push_back(ev("expectant_parent", "m1", "2023-04-01"));
  o = s.evaluate(adults_only(three), as_of);
  CHECK(o.requirement_met);
  CHECK(o.eligible);
  // A pregnancy recorded more than 9 months ago no longer counts.
  three.back() = ev("expectant_parent", "m1", "2022-08-01");
  CHECK_FALSE(s.evaluate(adults_only(three), as_of).eligible);
}

#include <doctest/doctest.h>

#include <map>
#include <sstream>

#include "db/evidence.hpp"
#include "db/programme_rows.hpp"
#include "fixtures.hpp"
#include "sfcohort/report.hpp"

using namespace sfcohort;

namespace {

Date day(const char* iso) {
  auto d = parse_date(iso);
  REQUIRE(d.has_value());
  return *d;
}

// Families F1..F3 joined in January, January and March 2026; F3 closed; F4
// joins after the report's date.
Store programme() {
  Store s = testing::memory_store("report");
  testing::add_test_person(s, {"F1", "P1", "Ann", "", "Hirst", "1980-01-02", "HD1 2AB", "1"});
  testing::add_test_person(s, {"F1", "P2", "Liam", "", "Hirst", "2012-03-04", "HD1 2AB", "1"});
  testing::add_test_person(s, {"F2", "P3", "Zainab", "", "Khan", "1990-05-06", "BD1 1AA", "2"});
  testing::add_test_person(s, {"F3", "P4", "Sean", "", "Smith", "1975-02-28", "WF13 1AB", "3"},
                           "closed");
  testing::add_test_person(s, {"F4", "P5", "Emma", "", "Jones", "1995-12-01", "S1 2AB", "4"});
  for (auto [id, joined] : {std::pair{"F1", "2026-01-05"}, std::pair{"F2", "2026-01-20"},
                            std::pair{"F3", "2026-03-01"}, std::pair{"F4", "2026-09-01"}}) {
    auto f = s.family(id);
    REQUIRE(f.has_value());
    REQUIRE(f->has_value());
    Family fam = **f;
    fam.joined_on = joined;
    fam.lead_agency = std::string("Agency ") + id;
    REQUIRE(s.put_family(fam).has_value());
  }
  return s;
}

}  // namespace

TEST_CASE("report: families by status, joins per month against the target, time in programme") {
  Store s = programme();
  report::Options o;
  o.to = day("2026-06-30");
  o.target = 12;
  o.target_from = day("2026-01-01");
  o.target_to = day("2026-12-31");
  auto r = report::build(s, o);
  REQUIRE(r.has_value());
  // F4 joins after the report's date: not yet in the programme.
  CHECK(r->families_by_status["cohort"] == 2);
  CHECK(r->families_by_status["closed"] == 1);
  CHECK(r->people_by_status["cohort"] == 3);
  CHECK(r->from == day("2026-01-01"));
  REQUIRE(r->months.size() == 6);
  CHECK(r->months[0].month == "2026-01");
  CHECK(r->months[0].joined == 2);
  CHECK(r->months[2].joined == 1);
  CHECK(r->months[5].cumulative == 3);
  // The target's straight line: half the year gone by 30 June.
  CHECK(r->months[5].target == doctest::Approx(12.0 * 181 / 365));
  CHECK(r->closures.size() == 1);
  // Active F1 (176 days) and F2 (161 days).
  CHECK(r->median_days == 176);
  REQUIRE(r->longest.size() == 2);
  CHECK(r->longest[0].family_id == "F1");
  CHECK(r->longest[0].days == 176);
  CHECK(r->lead_agencies.size() == 2);
}

TEST_CASE("report: an empty cohort is a report of zeros; every format writes it") {
  Store s = testing::memory_store("report");
  report::Options o;
  o.to = day("2026-06-30");
  auto r = report::build(s, o);
  REQUIRE(r.has_value());
  CHECK(r->families_by_status.empty());
  CHECK(r->eligible == 0);
  CHECK(r->criteria.size() == 6);  // the default set's six criteria, none met
  for (auto write :
       {report::write_text, report::write_csv, report::write_json, report::write_html}) {
    std::ostringstream out;
    write(*r, out);
    CHECK(!out.str().empty());
  }
}

TEST_CASE("report: the HTML page escapes what it shows and loads nothing") {
  Store s = testing::memory_store("report");
  testing::add_test_person(s, {"F<1>", "P1", "Ann", "", "Hirst", "1980-01-02", "HD1 2AB", "1"});
  report::Options o;
  o.to = day("2026-06-30");
  auto r = report::build(s, o);
  REQUIRE(r.has_value());
  r->lead_agencies.push_back({"Early Help <North> & \"South\"", 1, 1});
  std::ostringstream out;
  report::write_html(*r, out);
  const std::string html = out.str();
  CHECK(html.find("Early Help &lt;North&gt; &amp; &quot;South&quot;") != std::string::npos);
  CHECK(html.find("<North>") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
}

TEST_CASE("report: partners' feed evidence attached to a family's people counts; review does not") {
  Store s = programme();
  db::FeedRecord feed{
      "E000001", "digest", "", "ASB Team", "feed.csv", "kirklees-2015", "2026-06-01T00:00:00Z",
      "tester"};
  REQUIRE(db::insert_feed(s, feed).has_value());
  int64_t row = 1;
  auto add = [&](const char* indicator, const char* person, const char* state) {
    db::EvidenceRecord e;
    e.feed_id = "E000001";
    e.row = ++row;
    e.fingerprint = "fp" + std::to_string(row);
    e.indicator = indicator;
    e.date = "2026-05-01";
    e.source = "ASB Team";
    e.state = state;
    e.person_id = person;
    e.band = "STRONG";
    REQUIRE(db::insert_evidence(s, e).value_or(false));
  };
  report::Options o;
  o.to = day("2026-06-30");
  auto before = report::build(s, o);
  REQUIRE(before.has_value());
  add("asb_recorded", "P1", "attached");
  add("child_in_need", "P1", "attached");
  add("asb_recorded", "P3", "review");  // a possible match: not evidence until accepted
  auto r = report::build(s, o);
  REQUIRE(r.has_value());
  std::map<int, int64_t> met;
  for (const auto& c : r->criteria) met[c.id] = c.families;
  CHECK(met[1] == 1);
  CHECK(met[3] == 1);
  CHECK(r->eligible == before->eligible + 1);
  REQUIRE(r->problems_per_family.size() > 2);
  CHECK(r->problems_per_family[2] == 1);
}

TEST_CASE("report: the feeds' evidence is read in family order from the indexes, not sorted") {
  Store s = testing::memory_store("report");
  const std::string plan = testing::query_plan(s, db::kProgrammeFeedSql);
  CAPTURE(plan);
  CHECK(plan.find("SCAN p USING INDEX person_family") != std::string::npos);
  CHECK(plan.find("evidence_state (state=? AND person_id=?)") != std::string::npos);
  CHECK(plan.find("TEMP B-TREE") == std::string::npos);
}

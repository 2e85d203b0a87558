// Evidence feeds and identify against an in-memory database: rows matched,
// set aside for review or kept as evidence about people outside the cohort;
// bad rows refused with their row and field and nothing written; a feed
// imported once; candidate households formed by address (and surname where
// a cohort family shares it); nominations made once.
#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "fixtures.hpp"
#include "sfcohort/evidence.hpp"
#include "sfcohort/identify.hpp"
#include "sfcohort/nomination.hpp"

using namespace sfcohort;
using sfcohort::testing::add_test_person;
using sfcohort::testing::count_rows;
using sfcohort::testing::memory_store;

namespace {

// A file holding TEXT, removed when the test ends.
struct Feed {
  explicit Feed(const std::string& text) {
    path = (std::filesystem::temp_directory_path() / ("sfcohort-feed-" + std::to_string(getpid()) +
                                                      "-" + std::to_string(++counter) + ".csv"))
               .string();
    std::ofstream(path) << text;
  }
  ~Feed() { std::filesystem::remove(path); }
  std::string path;
  static inline int counter = 0;
};

Store cohort() {
  Store s = memory_store("evidence import");
  add_test_person(s, {"F1", "P1", "Michelle", "", "Smith", "1983-07-21", "HD1 2AB", "12"});
  add_test_person(s, {"F1", "P2", "Jonathan", "", "Smith", "2009-03-14", "HD1 2AB", "12"});
  add_test_person(s, {"F2", "P3", "Andreea", "", "Popescu", "1995-11-11", "WF13 3PQ", "2"});
  return s;
}

Result<evidence::ImportReport> import(Store& s, const std::string& text,
                                      const std::string& indicator) {
  Feed f(text);
  evidence::ImportOptions opt;
  opt.path = f.path;
  opt.indicator = indicator;
  opt.source = "test";
  return evidence::import_feed(s, opt);
}

const char* kCallouts =
    "given_name,surname,dob,postcode,house,date\n"
    "Michelle,Smith,1983-07-21,HD1 2AB,12,2026-02-14\n"
    "Donna,Ackroyd,1988-01-23,HD4 6ZZ,7,2026-03-02\n"
    "Kelly,Brown,1991-08-30,WF13 3PQ,2,2026-06-01\n"
    "Sam,Lone,1990-01-01,,,2026-06-01\n";
const char* kBenefits =
    "given_name,surname,dob,postcode,house,date\n"
    "Donna,Ackroyd,1988-01-23,HD4 6ZZ,7,2026-01-15\n"
    "Kelly,Brown,1991-08-30,WF13 3PQ,2,2026-04-10\n"
    "Sam,Lone,1990-01-01,,,2026-06-01\n"
    "Michelle,Smith,1983-07-21,HD1 2AB,12,2026-03-01\n";
const char* kAttendance =
    "given_name,surname,dob,postcode,house,date,value\n"
    "Jonathan,Smith,2009-03-14,HD1 2AB,12,2026-07-17,84\n"
    "Tyler,Ackroyd,2014-10-02,HD4 6ZZ,7,2026-07-17,86.2\n";

}  // namespace

TEST_CASE("a feed: matched rows attached, the others kept outside the cohort") {
  Store s = cohort();
  auto r = import(s, kCallouts, "dv_police_callout");
  REQUIRE(r.has_value());
  CHECK(r->feed_id == "E000001");
  CHECK(r->rows == 4);
  CHECK(r->attached == 1);
  CHECK(r->exact == 1);
  CHECK(r->outside == 3);
  CHECK(count_rows(s, "evidence") == 4);
  CHECK(count_rows(s, "audit") == 1);
  auto h = nomination::family_household(s, "F1");
  REQUIRE(h.has_value());
  REQUIRE(h->evidence.size() == 1);
  CHECK(h->evidence[0].member == "P1");
  CHECK(h->evidence[0].source == "test");

  SUBCASE("the same file again changes nothing") {
    auto again = import(s, kCallouts, "dv_police_callout");
    REQUIRE(again.has_value());
    CHECK(again->already == "E000001");
    CHECK(count_rows(s, "evidence_feed") == 1);
    CHECK(count_rows(s, "audit") == 1);
  }
  SUBCASE("the same rows in another file are not stored twice") {
    auto again = import(s, std::string(kCallouts) + "\n", "dv_police_callout");
    REQUIRE(again.has_value());
    CHECK(again->duplicate == 4);
    CHECK(count_rows(s, "evidence") == 4);
  }
}

TEST_CASE("bad rows: refused with their row and field, nothing written") {
  Store s = cohort();
  struct Case {
    const char* row;
    const char* indicator;
    const char* field;
  } cases[] = {
      {"Ben,Stone,2003-04-05,HD1 2AB,2026-01-05,12", "dv_police_callout", "value"},
      {"Ben,Stone,2003-04-05,HD1 2AB,2026-01-05,", "school_attendance_pct", "value"},
      {"Ben,Stone,2003-04-05,HD1 2AB,2099-01-05,", "dv_police_callout", "date"},
      {"Ben,Stone,2003-04-05,HD1 2AB,2001-01-05,", "dv_police_callout", "date"},
      {"Ben,Stone,31/02/2003,HD1 2AB,2026-01-05,", "dv_police_callout", "dob"},
      {"Ben,Stone,2003-04-05,HD1 2CC,2026-01-05,", "dv_police_callout", "postcode"},
      {"Ben,,2003-04-05,HD1 2AB,2026-01-05,", "dv_police_callout", "surname"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.row);
    auto r = import(s, std::string("given_name,surname,dob,postcode,date,value\n") + c.row + "\n",
                    c.indicator);
    REQUIRE(r.has_value());
    CHECK(r->aborted);
    REQUIRE(r->errors.size() == 1);
    CHECK(r->errors[0].row == 2);
    CHECK(r->errors[0].field == c.field);
  }
  CHECK(count_rows(s, "evidence") == 0);
  CHECK(count_rows(s, "evidence_feed") == 0);
  CHECK(count_rows(s, "audit") == 0);

  auto unknown = import(s, kCallouts, "dv_polic_callout");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == Errc::kInvalidInput);
  CHECK(unknown.error().message.find("dv_police_callout") != std::string::npos);
  auto empty = import(s, "given_name,surname,dob,date\n", "neet");
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().message.find("no usable rows") != std::string::npos);
}

TEST_CASE("a possible match waits for review, and is decided once") {
  Store s = cohort();
  auto r = import(s,
                  "given_name,surname,dob,postcode,house,date,value\n"
                  "Jonathon,Smyth,2009-03-15,HD1 2AB,12,2026-03-31,81\n",
                  "school_attendance_pct");
  REQUIRE(r.has_value());
  REQUIRE(r->review == 1);
  auto list = evidence::review_list(s);
  REQUIRE(list.has_value());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].person_id == "P2");
  auto d = evidence::decide(s, (*list)[0].id, true, "same boy");
  REQUIRE(d.has_value());
  CHECK(d->decision == "accepted");
  auto twice = evidence::decide(s, (*list)[0].id, false, "");
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().code == Errc::kInvalidInput);
  auto h = nomination::family_household(s, "F1");
  REQUIRE(h.has_value());
  CHECK(h->evidence.size() == 1);
}

TEST_CASE("identify: candidates by address, a shared address by surname, nominated once") {
  Store s = cohort();
  REQUIRE(import(s, kCallouts, "dv_police_callout").has_value());
  REQUIRE(import(s, kBenefits, "out_of_work_benefit").has_value());
  REQUIRE(import(s, kAttendance, "school_attendance_pct").has_value());
  identify::Options opt;
  opt.as_of = Date{2026, 8, 1};
  auto id = identify::identify(s, opt);
  REQUIRE(id.has_value());
  CHECK(id->cohort_evaluated == 1);
  CHECK(id->cohort_eligible == 1);  // F1: education and domestic abuse
  CHECK(id->candidates == 3);
  std::map<std::string, const identify::HouseholdResult*> by_key;
  for (const auto& h : id->households) by_key[h.key] = &h;
  REQUIRE(by_key.count("C:HD4 6ZZ|7"));
  CHECK(by_key["C:HD4 6ZZ|7"]->outcome.eligible);
  CHECK(by_key["C:HD4 6ZZ|7"]->people.size() == 2);
  REQUIRE(by_key.count("C:WF13 3PQ|2|brown"));  // F2 lives there: by surname
  CHECK(by_key["C:WF13 3PQ|2|brown"]->why.find("F2") != std::string::npos);
  // Worklessness, but one call-out and no child: domestic abuse is not met.
  CHECK_FALSE(by_key["C:WF13 3PQ|2|brown"]->outcome.eligible);
  REQUIRE(by_key.count("C:|sam|lone|1990-01-01"));  // no postcode: a household of one
  CHECK(by_key["C:|sam|lone|1990-01-01"]->people.size() == 1);

  opt.only_new = true;
  auto fresh = identify::identify(s, opt);
  REQUIRE(fresh.has_value());
  REQUIRE(fresh->households.size() == 1);
  CHECK(fresh->households[0].key == "C:HD4 6ZZ|7");
  for (const auto& h : fresh->households) CHECK_FALSE(h.in_cohort);

  opt.nominate = true;
  auto refused = identify::identify(s, opt);
  REQUIRE_FALSE(refused.has_value());
  opt.legal_basis = "UK GDPR Art 6(1)(e)";
  auto made = identify::identify(s, opt);
  REQUIRE(made.has_value());
  CHECK(made->nominated.size() == 1);
  CHECK(count_rows(s, "nomination") == 1);
  auto again = identify::identify(s, opt);
  REQUIRE(again.has_value());
  CHECK(again->nominated.empty());
  CHECK(count_rows(s, "nomination") == 1);
}

TEST_CASE("a family's feed evidence is read through the indexes, not a scan") {
  Store s = cohort();
  const std::string plan = sfcohort::testing::query_plan(
      s,
      "SELECT e.pk FROM evidence e LEFT JOIN person p ON p.id = e.person_id WHERE e.state = "
      "'attached' AND e.person_id IN (SELECT id FROM person WHERE family_id = 'F1') ORDER BY "
      "e.date, e.pk");
  CAPTURE(plan);
  CHECK(plan.find("evidence_state (state=? AND person_id=?)") != std::string::npos);
  CHECK(plan.find("person_family (family_id=?)") != std::string::npos);
  CHECK(plan.find("SCAN") == std::string::npos);
}

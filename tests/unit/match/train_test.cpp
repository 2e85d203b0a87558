// sfcohort train: weights learned from the cohort are stored, read back and
// used by lookups; the bands are checked and stored.
#include "sfcohort/train.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "../fixtures.hpp"
#include "match/weights.hpp"
#include "sfcohort/lookup.hpp"

using namespace sfcohort;

namespace {

Store small_cohort() {
  Store s = testing::memory_store("train");
  const char* given[] = {"Jack", "Olivia", "Mohammed", "Amelia", "Harry", "Isla", "Oscar", "Ava"};
  const char* surname[] = {"Smith", "Khan", "Jones", "Taylor", "Brown", "Hussain", "Wilson"};
  for (int i = 0; i < 200; ++i) {
    const std::string n = std::to_string(i);
    const std::string dob = std::to_string(1970 + i % 45) + "-0" + std::to_string(1 + i % 9) +
                            "-1" + std::to_string(i % 10);
    testing::add_test_person(
        s, {"F" + std::to_string(i / 3), "P" + n, given[i % 8], "", surname[(i / 3) % 7], dob,
            "HD1 " + std::to_string(i % 9) + "AB", std::to_string(1 + i % 40)});
  }
  return s;
}

}  // namespace

TEST_CASE("train stores weights that lookups then use") {
  Store s = small_cohort();
  auto before = train::model(s);
  REQUIRE(before.has_value());
  CHECK_FALSE(before->trained);
  CHECK(before->possible == doctest::Approx(match::kDefaultPossible));

  train::Options opts;
  opts.random_pairs = 20000;
  opts.queries = {{"Jack", "Smith", "1970-01-10", "HD1 0AB", "1"},
                  {"Olivia", "Smith", "1971-02-11", "HD1 1AB", "2"},
                  {"Mohamed", "Smith", "1972-03-12", "HD1 2AB", "3"}};
  auto m = train::train(s, opts);
  REQUIRE(m.has_value());
  CHECK(m->trained);
  CHECK(m->people == 200);
  CHECK(m->queries == 3);
  CHECK(m->blocked_pairs > 0);
  CHECK(m->source.find("m by EM over") != std::string::npos);
  // Every level of every field, each with a finite weight; a date of birth
  // that agrees counts for, one that differs against.
  CHECK(m->levels.size() == 10 + 6 + 7 + 7 + 4 + 3);
  double dob_exact = 0, dob_differs = 0;
  for (const auto& l : m->levels) {
    CHECK(std::isfinite(l.bits));
    CHECK(l.m > 0);
    CHECK(l.u > 0);
    if (l.field == "dob" && l.level == "exact") dob_exact = l.bits;
    if (l.field == "dob" && l.level == "differs") dob_differs = l.bits;
  }
  CHECK(dob_exact > 3);
  CHECK(dob_differs < 0);

  auto w = match::load_weights(s);
  REQUIRE(w.has_value());
  CHECK(w->trained);
  // Lookups score with them: the score is a probability, strong above the
  // threshold.
  auto matcher = Matcher::create(s);
  REQUIRE(matcher.has_value());
  auto r = matcher->lookup({"Jack", "Smith", "1970-01-10", "HD1 0AB", "1"});
  REQUIRE(r.has_value());
  REQUIRE_FALSE(r->matches.empty());
  CHECK(r->matches[0].band >= Band::kStrong);
  CHECK(r->matches[0].score >= w->strong);
  CHECK(r->matches[0].score <= 1.0);
}

TEST_CASE("the bands are checked and stored") {
  Store s = small_cohort();
  CHECK_FALSE(train::set_bands(s, 0.9, 0.5).has_value());
  CHECK_FALSE(train::set_bands(s, std::nullopt, 1.0).has_value());
  CHECK_FALSE(train::set_bands(s, 0.99, std::nullopt).has_value());  // above the default strong
  REQUIRE(train::set_bands(s, 0.3, 0.999).has_value());
  auto m = train::model(s);
  REQUIRE(m.has_value());
  CHECK(m->bands_set);
  CHECK(m->possible == doctest::Approx(0.3));
  CHECK(m->strong == doctest::Approx(0.999));
  CHECK_FALSE(m->trained);  // bands alone train nothing
}

TEST_CASE("an empty cohort has nothing to learn from") {
  Store s = testing::memory_store("train");
  auto m = train::train(s, {});
  REQUIRE_FALSE(m.has_value());
  CHECK(m.error().code == Errc::kInvalidInput);
}

TEST_CASE("train learns the names' m at the queries' addresses, the postcode's by name") {
  // Households of three at one address; the queries are their members, some
  // under another surname (married), some moved, written as they were.
  Store s = testing::memory_store("train");
  const char* given[] = {"Jack", "Olivia", "Mohammed", "Amelia", "Harry", "Isla", "Oscar", "Ava"};
  const char* surname[] = {"Smith", "Khan", "Jones", "Taylor", "Brown", "Hussain", "Wilson"};
  std::vector<Query> queries;
  for (int i = 0; i < 600; ++i) {
    const std::string n = std::to_string(i);
    const std::string dob = std::to_string(1960 + i % 50) + "-" + std::to_string(10 + i % 3) + "-" +
                            std::to_string(10 + i % 19);
    const std::string pc =
        "HD" + std::to_string(1 + i / 3 % 9) + " " + std::to_string(i / 27 % 10) + "AB";
    const std::string house = std::to_string(1 + i / 3);
    testing::add_test_person(s, {"F" + std::to_string(i / 3), "P" + n, given[(i * 7) % 8], "",
                                 surname[(i / 3) % 7], dob, pc, house});
    if (i % 2) continue;
    Query q{given[(i * 7) % 8], surname[(i / 3) % 7], dob, pc, house};
    if (i % 10 == 0) q.surname = "Marsden";   // surname changed
    if (i % 10 == 4) q.postcode = "WF1 1AA";  // moved
    queries.push_back(q);
  }
  train::Options opts;
  opts.random_pairs = 20000;
  opts.queries = queries;
  auto m = train::train(s, opts);
  REQUIRE(m.has_value());
  auto m_of = [&](const std::string& field, const std::string& level) {
    for (const auto& l : m->levels)
      if (l.field == field && l.level == level) return l.m;
    return -1.0;
  };
  // A tenth of the queries gave another surname: the pairs at their
  // addresses show it, though the household shares a surname.
  CHECK(m_of("surname", "differs") > 0.04);
  CHECK(m_of("surname", "differs") < 0.2);
  // The household's other members are not taken for the person.
  CHECK(m_of("given_name", "differs") < 0.05);
  CHECK(m_of("dob", "differs") < 0.05);
  // A tenth moved: found by the name keys.
  CHECK(m_of("postcode", "differs") > 0.04);
  CHECK(m_of("postcode", "exact") > 0.6);
}

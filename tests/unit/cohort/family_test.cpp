#include <doctest/doctest.h>

#include "fixtures.hpp"
#include "sfcohort/family.hpp"

using namespace sfcohort;
using namespace sfcohort::testing;

namespace {
int64_t audit_rows(Store& s) { return *db::connection(s).scalar_int("SELECT count(*) FROM audit"); }
}  // namespace

TEST_CASE("family close and reopen: checked, recorded with history, audited") {
  setenv("SFCOHORT_TODAY", "2026-01-15", 1);
  Store s = memory_store("family close");
  add_test_person(s, {"F1", "P1", "Ann", "", "Smith", "2010-01-01", "HD1 2AB", "12"});
  Family f = **s.family("F1");
  f.joined_on = "2024-02-01";
  REQUIRE(s.put_family(f).has_value());

  SUBCASE("bad input writes nothing") {
    const int64_t before = audit_rows(s);
    struct Case {
      std::string family;
      family::Closure c;
      std::string message;
    };
    for (const Case& c : std::vector<Case>{
             {"F9", {"moved", "", ""}, "no family 'F9'"},
             {"F1", {" ", "", ""}, "a reason is required"},
             {"F1", {"moved", "2026-01-16", ""}, "is in the future"},
             {"F1", {"moved", "2024-01-31", ""}, "before the family joined"},
             {"F1", {"moved", "30/02/2025", ""}, "not a date"},
             {"F1", {"moved", "", "vanished"}, "not an outcome"},
         }) {
      CAPTURE(c.message);
      auto r = family::close(s, c.family, c.c);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code == Errc::kInvalidInput);
      CHECK(r.error().message.find(c.message) != std::string::npos);
    }
    CHECK(audit_rows(s) == before);
    CHECK((*s.family("F1"))->status == "cohort");
    CHECK(s.family_status_history("F1")->empty());
    CHECK_FALSE(family::reopen(s, "F1", "back").has_value());
  }

  SUBCASE("close, close again, reopen") {
    auto c = family::close(s, "F1", {"moved to Leeds", "31/12/2025", "moved_away"});
    REQUIRE(c.has_value());
    CHECK(c->on_date == "2025-12-31");
    CHECK(c->recorded_by == "tester");
    CHECK((*s.family("F1"))->status == "closed");
    auto closure = s.family_closure("F1");
    REQUIRE(closure->has_value());
    CHECK((*closure)->reason == "moved to Leeds");
    CHECK(*s.closed_family_ids() == std::vector<std::string>{"F1"});
    auto again = family::close(s, "F1", {"again", "", ""});
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().message.find("already closed (since 2025-12-31)") != std::string::npos);

    REQUIRE(family::reopen(s, "F1", "returned").has_value());
    CHECK((*s.family("F1"))->status == "cohort");
    CHECK_FALSE(s.family_closure("F1")->has_value());
    CHECK(s.closed_family_ids()->empty());
    auto h = s.family_status_history("F1");
    REQUIRE(h->size() == 2);
    CHECK((*h)[0].status == "closed");
    CHECK((*h)[0].outcome == "moved_away");
    CHECK((*h)[1].status == "cohort");
    CHECK((*h)[1].on_date == "2026-01-15");
    // A closure before the last change is refused.
    auto early = family::close(s, "F1", {"left", "2025-12-01", ""});
    REQUIRE_FALSE(early.has_value());
    CHECK(early.error().message.find("before the family's last status change") !=
          std::string::npos);
  }

  SUBCASE("show gathers the family and the person, audited") {
    REQUIRE(family::close(s, "F1", {"moved", "", "disengaged"}).has_value());
    const int64_t before = audit_rows(s);
    auto v = family::show(s, "F1");
    REQUIRE(v.has_value());
    REQUIRE(v->members.size() == 1);
    CHECK(v->members[0].id == "P1");
    CHECK(v->history.size() == 1);
    REQUIRE(v->closure.has_value());
    CHECK(v->closure->outcome == "disengaged");
    auto p = family::show_person(s, "P1");
    REQUIRE(p.has_value());
    CHECK(p->family.id == "F1");
    CHECK(p->closure.has_value());
    CHECK(audit_rows(s) == before + 2);
    CHECK_FALSE(family::show(s, "F9").has_value());
    CHECK_FALSE(family::show_person(s, "P9").has_value());
  }
  unsetenv("SFCOHORT_TODAY");
}

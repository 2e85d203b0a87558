#include <doctest/doctest.h>

#include "db/subject_rows.hpp"
#include "fixtures.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/family.hpp"
#include "sfcohort/retention.hpp"
#include "sfcohort/subject_access.hpp"

using namespace sfcohort;
using namespace sfcohort::testing;

namespace {
int64_t count(Store& s, const std::string& sql) { return *db::connection(s).scalar_int(sql); }
}  // namespace

TEST_CASE("disclosures: recorded with the audit entry, without duplicates, with a digest") {
  Store s = memory_store("lookup");
  add_test_person(s, {"F1", "P1", "Ann", "", "Smith", "2010-01-01", "HD1 2AB", "12"});
  add_test_person(s, {"F1", "P2", "Bob", "", "Smith", "2011-01-01", "HD1 2AB", "12"});
  REQUIRE(s.audit("batch", {{"mode", "batch"}},
                  {{"P2", "F1", ""}, {"P1", "F1", ""}, {"P1", "F1", ""}, {"P1", "F1", "Police"}})
              .has_value());
  CHECK(count(s, "SELECT count(*) FROM disclosure") == 3);
  auto e = audit_entries(s);
  REQUIRE(e.has_value());
  const auto& d = e->back().detail["disclosed"];
  CHECK(d["people"] == 3);
  CHECK(d["digest"].get<std::string>().size() == 64);
  // Another entry with the same people has another digest (the seq is in it).
  REQUIRE(s.audit("batch", {{"mode", "batch"}}, {{"P1", "F1", ""}}).has_value());
  auto e2 = audit_entries(s);
  CHECK(e2->back().detail["disclosed"]["digest"] != d["digest"]);
  // An entry without disclosures has no "disclosed".
  REQUIRE(s.audit("x", {{"mode", "other"}}, {}).has_value());
  CHECK_FALSE(audit_entries(s)->back().detail.contains("disclosed"));

  SUBCASE("the subject access request lists them; a person's rows by the primary key") {
    auto refs = db::disclosures_of(s, "P1");
    REQUIRE(refs.has_value());
    REQUIRE(refs->size() == 3);
    CHECK((*refs)[1].partner == "Police");
    auto plan = query_plan(s,
                           "SELECT a.seq FROM disclosure d JOIN audit a ON a.seq = d.audit_seq "
                           "WHERE d.person_id = 'P1'");
    CHECK(plan.find("USING PRIMARY KEY") != std::string::npos);
    CHECK(plan.find("SCAN d") == std::string::npos);
    auto sar = subject_access::gather(s, "P1");
    REQUIRE(sar.has_value());
    CHECK((*sar)["disclosures"].size() == 3);
    CHECK((*sar)["person"]["given_name"] == "Ann");
    CHECK(sar->dump().find("Bob") == std::string::npos);  // not another member's data
    CHECK_FALSE(subject_access::gather(s, "P9").has_value());
  }
  SUBCASE("audit filter by person finds the entries that disclosed them") {
    AuditFilter f;
    f.person = "P2";
    CHECK(audit_entries(s, f)->size() == 1);
    f.person = "P";
    CHECK(audit_entries(s, f)->empty());
  }
}

TEST_CASE("retention: the schedule, what is due, disposal in one transaction") {
  setenv("SFCOHORT_TODAY", "2032-06-01", 1);
  Store s = memory_store("retention");
  add_test_person(s, {"F1", "P1", "Zebedee", "", "Quartermaine", "2010-01-01", "HD1 2AB", "12"});
  add_test_person(s, {"F2", "P2", "Ann", "", "Smith", "2011-01-01", "HD1 3AB", "1"});
  REQUIRE(s.audit("batch", {{"mode", "batch"}}, {{"P1", "F1", ""}, {"P2", "F2", ""}}).has_value());
  REQUIRE(family::close(s, "F1", {"moved", "2025-01-10", ""}).has_value());
  REQUIRE(family::close(s, "F2", {"moved", "2027-01-10", ""}).has_value());

  SUBCASE("bad input") {
    const int64_t before = count(s, "SELECT count(*) FROM audit");
    CHECK(retention::set(s, "everything", "1 year").error().code == Errc::kInvalidInput);
    for (const char* bad : {"six years", "6 weeks", "", "200 years", "-1 days", "6"}) {
      CAPTURE(bad);
      CHECK(retention::set(s, "closed_family", bad).error().code == Errc::kInvalidInput);
    }
    CHECK(retention::due(s, "2032-06-02").error().message.find("in the future") !=
          std::string::npos);
    CHECK(retention::due(s, "31/02/2030").error().code == Errc::kInvalidInput);
    CHECK(retention::apply(s, "2040-01-01").error().code == Errc::kInvalidInput);
    CHECK(count(s, "SELECT count(*) FROM audit") == before);
    CHECK(count(s, "SELECT count(*) FROM person") == 2);
  }
  SUBCASE("due counts from the closure; set overrides") {
    auto d = retention::due(s, "");
    REQUIRE(d.has_value());
    CHECK(d->classes[0].cls == "closed_family");
    CHECK(d->classes[0].cutoff == "2026-06-01");
    CHECK(d->classes[0].ids == std::vector<std::string>{"F1"});
    CHECK(d->classes[0].people == 1);
    CHECK(retention::due(s, "2031-01-09")->classes[0].ids.empty());  // a day short
    CHECK(retention::due(s, "2031-01-10")->classes[0].ids.size() == 1);
    auto r = retention::set(s, "closed_family", "10 Years");
    REQUIRE(r.has_value());
    CHECK(r->duration == "10 years");
    CHECK(retention::due(s, "")->classes[0].ids.empty());
  }
  SUBCASE("apply deletes the family, its people, keys, names and disclosures") {
    auto done = retention::apply(s, "");
    REQUIRE(done.has_value());
    CHECK(done->people == 1);
    CHECK(done->families == 1);
    CHECK(done->disclosures == 1);
    CHECK_FALSE(s.family("F1")->has_value());
    CHECK_FALSE(s.person("P1")->has_value());
    CHECK(s.person("P2")->has_value());
    CHECK(count(s, "SELECT count(*) FROM family_status WHERE family_id = 'F1'") == 0);
    CHECK(count(s, "SELECT count(*) FROM match_person") == 1);
    CHECK(count(s, "SELECT count(*) FROM name_freq WHERE name LIKE '%QUARTERMAINE%'") == 0);
    CHECK(count(s, "SELECT n FROM name_freq WHERE kind = '#'") == 1);
    CHECK(count(s, "SELECT count(*) FROM disclosure") == 1);
    CHECK(count(s, "SELECT people FROM disclosure_disposed") == 1);
    auto last = audit_entries(s)->back();
    CHECK(last.subject == "retention");
    CHECK(last.detail["families"] == nlohmann::json::array({"F1"}));
    CHECK(last.detail["disposed_disclosures"]["people"] == 1);
    CHECK(last.detail.dump().find("Quartermaine") == std::string::npos);
    // Nothing left: a second run deletes nothing.
    CHECK(retention::apply(s, "")->people == 0);
  }
  unsetenv("SFCOHORT_TODAY");
}

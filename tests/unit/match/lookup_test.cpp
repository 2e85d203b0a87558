// One test per hard case of issue 3, against a small cohort in an in-memory
// database with the real schema.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "db/match_tables.hpp"
#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "fixtures.hpp"
#include "match/blocking.hpp"
#include "match/model.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/store.hpp"

using namespace sfcohort;

namespace {

using P = testing::TestPerson;

const P kCohort[] = {
    {"F1", "P1", "Jonathan", "", "Smith", "2009-03-14", "HD1 2AB", "12"},
    {"F1", "P2", "Robert", "", "Smith", "1980-05-02", "HD1 2AB", "12"},
    {"F1", "P3", "Elizabeth", "", "Smith", "1982-07-21", "HD1 2AB", "12"},
    {"F2", "P4", "Katarzyna", "", "Nowak", "1990-11-03", "LS11 6AD", "Flat 3, 12"},
    {"F3", "P5", "Mohammed", "", "Khan", "2005-06-07", "BD1 1AA", "Rose Cottage"},
    {"F3", "P6", "Zainab", "", "Khan", "2007-01-09", "BD1 1AA", "Rose Cottage"},
    {"F4", "P7", "Laura", "", "Hirst", "2008-09-12", "HD2 1XY", "7"},
    {"F4", "P8", "Sophie", "", "Hirst", "2008-09-12", "HD2 1XY", "7"},
    {"F5", "P9", "Sean", "", "O'Brien", "1975-02-28", "WF13 1AB", "3"},
    {"F6", "P10", "Emma", "Louise", "Smith-Jones", "1995-12-01", "S1 2AB", "4"},
    {"F7", "P11", "Ann", "", "McDonald", "1960-04-05", "G1 1AA", "10"},
    {"F8", "P12", "Aisha", "", "Begum", "2001-02-03", "M1 1AA", "5"},
    {"F9", "P13", "Aisha", "", "Begum", "2001-02-03", "M2 2BB", "9"},
    {"F10", "P14", "Zoë", "", "Kowalczyk", "2010-01-01", "HD3 3AA", "1"},
    {"F10", "P15", "Łukasz", "", "Nowicki", "1988-08-08", "HD3 3AA", "1"},
    {"F11", "P16", "John", "", "Featherstonehaugh", "1970-01-20", "YO1 1AA", "2"},
    {"F12", "P17", "John", "", "Smith", "1970-01-20", "YO2 2AA", "2"},
};

struct Cohort {
  Store store;
  Matcher matcher;
};

Store make_store() { return testing::memory_store(); }

void add(Store& s, const P& p) { testing::add_test_person(s, p); }

Store cohort_store(int extra_smiths = 40) {
  Store s = make_store();
  for (const auto& p : kCohort) add(s, p);
  // Smith is common in this cohort: many Smiths with other names and dates.
  static const char* given[] = {"Adam", "Brian", "Carl",  "Dennis",
                                "Eric", "Frank", "Gavin", "Harold"};
  for (int i = 0; i < extra_smiths; ++i) {
    std::string id = "X" + std::to_string(i), fam = "FX" + std::to_string(i);
    std::string dob = std::to_string(1950 + i) + "-06-15";
    P p{fam.c_str(), id.c_str(),  given[i % 8], "",
        "Smith",     dob.c_str(), "HX1 1AA",    std::to_string(i + 100).c_str()};
    std::string house = std::to_string(i + 100);
    p.house = house.c_str();
    add(s, p);
  }
  return s;
}

LookupResult look(Store& s, Query q, LookupOptions o = {}) {
  auto m = Matcher::create(s);
  REQUIRE(m.has_value());
  auto r = m->lookup(q, o);
  REQUIRE(r.has_value());
  return std::move(*r);
}

// The best match, which must exist.
Match best(Store& s, Query q) {
  auto r = look(s, q);
  REQUIRE_FALSE(r.matches.empty());
  return r.matches.front();
}

}  // namespace

TEST_CASE("exact: every field equal after normalisation (case, spacing, date format)") {
  Store s = cohort_store();
  auto m = best(s, {"JONATHAN", "smith", "14/03/2009", "hd12ab", "12"});
  CHECK(m.person.id == "P1");
  CHECK(m.band == Band::kExact);
  CHECK(m.why.to_string() == "given_name=exact;surname=exact;dob=exact;postcode=exact;house=exact");
}

TEST_CASE("given names: nicknames and short forms") {
  Store s = cohort_store();
  SUBCASE("Bob / Robert") {
    auto m = best(s, {"Bob", "Smith", "1980-05-02", "HD1 2AB", "12"});
    CHECK(m.person.id == "P2");
    CHECK(m.band == Band::kStrong);
    CHECK(m.why.given_name == GivenLevel::kVariant);
  }
  SUBCASE("Liz / Elizabeth") {
    auto m = best(s, {"Liz", "Smith", "21/07/1982", "", ""});
    CHECK(m.person.id == "P3");
    CHECK(m.band == Band::kStrong);
    CHECK(m.why.given_name == GivenLevel::kVariant);
  }
  SUBCASE("Kasia / Katarzyna") {
    auto m = best(s, {"Kasia", "Nowak", "03.11.1990", "", ""});
    CHECK(m.person.id == "P4");
    CHECK(m.band == Band::kStrong);
    CHECK(m.why.given_name == GivenLevel::kVariant);
  }
  SUBCASE("Jon / Jonathan") {
    auto m = best(s, {"Jon", "smith", "14/3/2009", "hd12ab", "12"});
    CHECK(m.person.id == "P1");
    CHECK(m.band == Band::kStrong);
  }
}

TEST_CASE("given names: spelling variants across communities") {
  Store s = cohort_store();
  for (const char* g : {"Muhammad", "Mohammad", "Mohamed", "MOHAMMED"}) {
    CAPTURE(g);
    auto m = best(s, {g, "Khan", "2005-06-07", "BD1 1AA", "Rose Cottage"});
    CHECK(m.person.id == "P5");
    CHECK(m.band >= Band::kStrong);
  }
  auto z = best(s, {"Zaynab", "Khan", "09/01/2007", "", ""});
  CHECK(z.person.id == "P6");
  CHECK(z.band == Band::kStrong);
  CHECK(z.why.given_name == GivenLevel::kVariant);
}

TEST_CASE("given names: an initial only is possible, never strong") {
  Store s = cohort_store();
  auto m = best(s, {"J", "Smith", "2009-03-14", "HD1 2AB", "12"});
  CHECK(m.person.id == "P1");
  CHECK(m.band == Band::kPossible);
  CHECK(m.why.given_name == GivenLevel::kInitial);
}

TEST_CASE("given names: a middle name used as the first name") {
  Store s = cohort_store();
  auto m = best(s, {"Louise", "Smith-Jones", "1995-12-01", "S1 2AB", "4"});
  CHECK(m.person.id == "P10");
  CHECK(m.band == Band::kPossible);
  CHECK(m.why.given_name == GivenLevel::kMiddle);
}

TEST_CASE("given names and surnames: accents and case") {
  Store s = cohort_store();
  auto z = best(s, {"ZOE", "kowalczyk", "2010-01-01", "HD3 3AA", "1"});
  CHECK(z.person.id == "P14");
  CHECK(z.band == Band::kExact);
  auto l = best(s, {"lukasz", "NOWICKI", "1988-08-08", "hd3 3aa", "1"});
  CHECK(l.person.id == "P15");
  CHECK(l.band == Band::kExact);
}

TEST_CASE("given names: a typo can still be strong when everything else agrees") {
  Store s = cohort_store();
  auto m = best(s, {"Jonathna", "Smith", "2009-03-14", "HD1 2AB", "12"});
  CHECK(m.person.id == "P1");
  CHECK(m.band == Band::kStrong);
  CHECK(m.why.given_name == GivenLevel::kFuzzy);
}

TEST_CASE("surnames: a typo") {
  Store s = cohort_store();
  auto m = best(s, {"Jonathan", "Smiht", "2009-03-14", "", ""});
  CHECK(m.person.id == "P1");
  CHECK(m.band == Band::kStrong);
  CHECK(m.why.surname == SurnameLevel::kFuzzy);
}

TEST_CASE("surnames: double-barrelled and hyphenated") {
  Store s = cohort_store();
  auto spaced = best(s, {"Emma", "Smith Jones", "1995-12-01", "S1 2AB", "4"});
  CHECK(spaced.person.id == "P10");
  CHECK(spaced.why.surname == SurnameLevel::kExact);
  for (const char* part : {"Smith", "Jones"}) {
    CAPTURE(part);
    auto m = best(s, {"Emma", part, "1995-12-01", "", ""});
    CHECK(m.person.id == "P10");
    CHECK(m.why.surname == SurnameLevel::kPart);
    CHECK(m.band == Band::kStrong);
  }
}

TEST_CASE("surnames: a changed surname is found, as possible") {
  Store s = cohort_store();
  auto m = best(s, {"Katarzyna", "Kowalska", "1990-11-03", "", ""});
  CHECK(m.person.id == "P4");
  CHECK(m.band == Band::kPossible);
  CHECK(m.why.surname == SurnameLevel::kDiffers);
}

TEST_CASE("surnames: Mc/Mac, apostrophes and spaces") {
  Store s = cohort_store();
  for (const char* sn : {"MacDonald", "Mcdonald", "Mac Donald"}) {
    CAPTURE(sn);
    auto m = best(s, {"Ann", sn, "05/04/1960", "", ""});
    CHECK(m.person.id == "P11");
    CHECK(m.why.surname == SurnameLevel::kExact);
  }
  for (const char* sn : {"OBrien", "O Brien", "o'brien", "O’Brien"}) {
    CAPTURE(sn);
    auto m = best(s, {"Sean", sn, "28-02-1975", "", ""});
    CHECK(m.person.id == "P9");
    CHECK(m.why.surname == SurnameLevel::kExact);
  }
}

TEST_CASE("given name and surname written the wrong way round") {
  Store s = cohort_store();
  auto m = best(s, {"Nowak", "Katarzyna", "1990-11-03", "LS11 6AD", "Flat 3, 12"});
  CHECK(m.person.id == "P4");
  CHECK(m.band == Band::kStrong);
  CHECK(m.why.given_name == GivenLevel::kSwapped);
  CHECK(m.why.surname == SurnameLevel::kSwapped);
}

TEST_CASE("dates of birth: every accepted format") {
  Store s = cohort_store();
  for (const char* d : {"2009-03-14", "14/03/2009", "14/3/2009", "14-03-2009", "14.03.2009"}) {
    CAPTURE(d);
    auto m = best(s, {"Jonathan", "Smith", d, "HD1 2AB", "12"});
    CHECK(m.person.id == "P1");
    CHECK(m.why.dob == DobLevel::kExact);
  }
}

TEST_CASE("dates of birth: day and month swapped") {
  Store s = cohort_store();
  auto m = best(s, {"Robert", "Smith", "1980-02-05", "HD1 2AB", "12"});
  CHECK(m.person.id == "P2");
  CHECK(m.why.dob == DobLevel::kSwapped);
  CHECK(m.band == Band::kStrong);
}

TEST_CASE("dates of birth: one digit wrong") {
  Store s = cohort_store();
  auto m = best(s, {"Jonathan", "Smith", "2009-03-15", "HD1 2AB", "12"});
  CHECK(m.person.id == "P1");
  CHECK(m.why.dob == DobLevel::kDigit);
  CHECK(m.band == Band::kStrong);
  auto y = best(s, {"Jonathan", "Smith", "2008-03-14", "", ""});
  CHECK(y.person.id == "P1");
  CHECK(y.why.dob == DobLevel::kDigit);
}

TEST_CASE("dates of birth: an impossible date is compared as written and noted") {
  Store s = cohort_store();
  // Month first (14 is no month): the day and month swapped, written impossibly.
  auto r = look(s, {"Jonathan", "Smith", "03/14/2009", "HD1 2AB", "12"});
  REQUIRE_FALSE(r.matches.empty());
  CHECK(r.matches[0].person.id == "P1");
  CHECK(r.matches[0].why.dob == DobLevel::kInvalid);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("not a date") != std::string::npos);
  // A digit slip that made the day impossible.
  auto r2 = look(s, {"Jonathan", "Smith", "2009-03-44", "HD1 2AB", "12"});
  REQUIRE_FALSE(r2.matches.empty());
  CHECK(r2.matches[0].person.id == "P1");
  CHECK(r2.matches[0].why.dob == DobLevel::kInvalid);
  // Not a date at all: no crash, still matched on the rest, at most possible.
  auto r3 = look(s, {"Jonathan", "Smith", "unknown", "HD1 2AB", "12"});
  REQUIRE_FALSE(r3.matches.empty());
  CHECK(r3.matches[0].why.dob == DobLevel::kInvalid);
  CHECK(r3.matches[0].band == Band::kPossible);
}

TEST_CASE("postcodes: case, spacing, one character, sector, district, a family that moved") {
  Store s = cohort_store();
  struct {
    const char* pc;
    PostcodeLevel want;
  } cases[] = {{"hd12ab", PostcodeLevel::kExact},     {" HD1  2AB ", PostcodeLevel::kExact},
               {"HD1 2AD", PostcodeLevel::kNear},     {"HD1 2DE", PostcodeLevel::kSector},
               {"HD1 5QQ", PostcodeLevel::kDistrict}, {"LS1 1AA", PostcodeLevel::kDiffers}};
  for (const auto& c : cases) {
    CAPTURE(c.pc);
    auto m = best(s, {"Jonathan", "Smith", "2009-03-14", c.pc, "12"});
    CHECK(m.person.id == "P1");
    CHECK(m.why.postcode == c.want);
    CHECK(m.band >= Band::kStrong);  // a moved family is still strong on names and dob
  }
  auto bad = look(s, {"Jonathan", "Smith", "2009-03-14", "HD1 2CB", "12"});  // C is never inward
  REQUIRE_FALSE(bad.matches.empty());
  CHECK(bad.matches[0].why.postcode == PostcodeLevel::kInvalid);
  CHECK(bad.warnings.size() == 1);
}

TEST_CASE("houses: numbers, letters, flats and names") {
  Store s = cohort_store();
  auto a = best(s, {"Jonathan", "Smith", "2009-03-14", "HD1 2AB", "12A"});
  CHECK(a.why.house == HouseLevel::kNumber);
  auto f = best(s, {"Katarzyna", "Nowak", "1990-11-03", "LS11 6AD", "flat 3 12"});
  CHECK(f.why.house == HouseLevel::kExact);
  CHECK(f.band == Band::kExact);
  auto n = best(s, {"Katarzyna", "Nowak", "1990-11-03", "LS11 6AD", "12"});
  CHECK(n.why.house == HouseLevel::kNumber);
  auto c = best(s, {"Zainab", "Khan", "2007-01-09", "BD1 1AA", "rose cottage"});
  CHECK(c.why.house == HouseLevel::kExact);
  auto d = best(s, {"Jonathan", "Smith", "2009-03-14", "HD1 2AB", "14"});
  CHECK(d.why.house == HouseLevel::kDiffers);
}

TEST_CASE("common names count for less than rare ones") {
  Store s = cohort_store();
  auto common = best(s, {"John", "Smith", "1970-01-20", "", ""});
  auto rare = best(s, {"John", "Featherstonehaugh", "1970-01-20", "", ""});
  CHECK(common.person.id == "P17");
  CHECK(rare.person.id == "P16");
  CHECK(rare.bits > common.bits + 2);
  CHECK(rare.score > common.score);
}

TEST_CASE("twins: never a strong match for each other; the household shows the family") {
  Store s = cohort_store();
  auto laura = look(s, {"Laura", "Hirst", "2008-09-12", "HD2 1XY", "7"});
  REQUIRE(laura.matches.size() == 2);
  CHECK(laura.matches[0].person.id == "P7");
  CHECK(laura.matches[0].band == Band::kExact);
  // Her twin Sophie: only the given name differs, so possible, and said so.
  CHECK(laura.matches[1].person.id == "P8");
  CHECK(laura.matches[1].band == Band::kPossible);
  CHECK(laura.matches[1].why.twin_or_alias);
  CHECK(laura.matches[1].score < laura.matches[0].score);
  // Lauren is not in the cohort: her twins are possible at most, the case
  // named, and the household shown.
  auto lauren = look(s, {"Lauren", "Hirst", "2008-09-12", "HD2 1XY", "7"});
  REQUIRE(lauren.matches.size() == 2);
  for (const auto& m : lauren.matches) {
    CHECK(m.band == Band::kPossible);
    CHECK(m.why.twin_or_alias);
    CHECK(m.why.to_string().find(";note=twin_or_alias") != std::string::npos);
  }
  REQUIRE(lauren.household.size() == 1);
  CHECK(lauren.household[0].family_id == "F4");
  CHECK(lauren.household[0].people == 2);
  CHECK(lauren.household[0].lead_agency == "Family Intervention Project");
  // A typo in the surname or the postcode leaves it a case to review.
  for (const Query& q : {Query{"Lauren", "Hirts", "2008-09-12", "HD2 1XY", "7"},
                         Query{"Lauren", "Hirst", "2008-09-12", "HD2 1YX", "7"}}) {
    CAPTURE(q.surname);
    CAPTURE(q.postcode);
    auto typo = look(s, q);
    REQUIRE(typo.matches.size() == 2);
    for (const auto& m : typo.matches) {
      CHECK(m.band == Band::kPossible);
      CHECK(m.why.twin_or_alias);
    }
  }
  // Away from the address, another given name is no match at all.
  CHECK(look(s, {"Lauren", "Hirst", "2008-09-12", "", ""}).matches.empty());
  // A sibling born on another day, at the address: none, named in the household.
  auto sib = look(s, {"Lauren", "Hirst", "2008-09-13", "HD2 1XY", "7"});
  CHECK(sib.matches.empty());
  REQUIRE(sib.household.size() == 1);
  CHECK(sib.household[0].similar.size() == 2);
}

TEST_CASE("split and joined given names, two edits, a namesake at the address") {
  Store s = cohort_store();
  auto split = best(s, {"Ka tarzyna", "Nowak", "1990-11-03", "LS11 6AD", "Flat 3, 12"});
  CHECK(split.person.id == "P4");
  CHECK(split.why.given_name == GivenLevel::kSplit);
  CHECK(split.band >= Band::kStrong);
  auto two = best(s, {"Jonatnah", "Smith", "2009-03-14", "", ""});
  CHECK(two.person.id == "P1");
  CHECK(two.band >= Band::kPossible);
  auto edits = best(s, {"Zaonav", "Khan", "2007-01-09", "", ""});
  CHECK(edits.person.id == "P6");
  CHECK(edits.why.given_name == GivenLevel::kTwoEdits);
  CHECK(edits.band == Band::kPossible);
  // The same name and home, another date of birth: possible, said so.
  auto ns = best(s, {"Jonathan", "Smith", "1979-03-14", "HD1 2AB", "12"});
  CHECK(ns.person.id == "P1");
  CHECK(ns.band == Band::kPossible);
  CHECK(ns.why.namesake);
}

TEST_CASE("two plausible cohort people: neither is strong") {
  Store s = cohort_store();
  auto r = look(s, {"Aisha", "Begum", "2001-02-03", "", ""});
  REQUIRE(r.matches.size() == 2);
  CHECK(r.matches[0].band == Band::kPossible);
  CHECK(r.matches[1].band == Band::kPossible);
  CHECK(r.candidates == 2);
  // The address tells them apart.
  auto a = look(s, {"Aisha", "Begum", "2001-02-03", "M1 1AA", "5"});
  REQUIRE_FALSE(a.matches.empty());
  CHECK(a.matches[0].person.id == "P12");
}

TEST_CASE("household: listed whether or not the person is matched") {
  Store s = cohort_store();
  auto r = look(s, {"Nobody", "Unknown", "1999-09-09", "hd1 2ab", "12"});
  CHECK(r.matches.empty());
  REQUIRE(r.household.size() == 1);
  CHECK(r.household[0].family_id == "F1");
  CHECK(r.household[0].why == "same postcode and house");
  CHECK(r.household[0].people == 3);
  auto none = look(s, {"Nobody", "Unknown", "1999-09-09", "hd1 2ab", "99"});
  CHECK(none.household.empty());
}

TEST_CASE("min-band and limit") {
  Store s = cohort_store();
  LookupOptions o;
  o.min_band = Band::kStrong;
  CHECK(look(s, {"J", "Smith", "2009-03-14", "HD1 2AB", "12"}, o).matches.empty());
  o.min_band = Band::kPossible;
  o.limit = 1;
  CHECK(look(s, {"Aisha", "Begum", "2001-02-03", "", ""}, o).matches.size() == 1);
}

TEST_CASE("match keys are rewritten when a person changes") {
  Store s = cohort_store(0);
  auto p = s.person("P1");
  REQUIRE(p.has_value());
  REQUIRE(p->has_value());
  Person x = **p;
  x.dob = "2011-11-11";
  x.postcode = "LS1 1AA";
  x.house = "1";
  REQUIRE(match::change_person(s, x).has_value());
  auto old = look(s, {"Jonathan", "Smith", "2009-03-14", "", ""});
  for (const auto& m : old.matches) CHECK(m.person.id != "P1");
  auto now = best(s, {"Jonathan", "Smith", "2011-11-11", "LS1 1AA", "1"});
  CHECK(now.person.id == "P1");
  CHECK(now.band == Band::kExact);
  // The index holds exactly the keys of the new version.
  auto oldk =
      match::person_keys(match::normalise("Jonathan", "", "Smith", "2009-03-14", "HD1 2AB", "12"));
  auto newk =
      match::person_keys(match::normalise("Jonathan", "", "Smith", "2011-11-11", "LS1 1AA", "1"));
  for (uint64_t k : oldk) {
    if (std::find(newk.begin(), newk.end(), k) != newk.end()) continue;
    std::vector<int64_t> pks;
    REQUIRE(match::probe(s, {k}, 100, pks).has_value());
    CHECK(std::find(pks.begin(), pks.end(), x.pk) == pks.end());
  }
  for (uint64_t k : newk) {
    std::vector<int64_t> pks;
    REQUIRE(match::probe(s, {k}, 100, pks).has_value());
    CHECK(std::find(pks.begin(), pks.end(), x.pk) != pks.end());
  }
  auto freq = match_tables::people_indexed(s);
  REQUIRE(freq.has_value());
  CHECK(*freq == static_cast<int64_t>(std::size(kCohort)));
}

TEST_CASE("candidates come from indexed probes: the query plans") {
  Store s = cohort_store(0);
  auto plan = [&](const std::string& q) { return testing::query_plan(s, q); };
  std::string probe = plan("SELECT data FROM match_bucket WHERE bucket = ?1");
  CHECK(probe.find("SEARCH match_bucket USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
  CHECK(probe.find("SCAN") == std::string::npos);
  std::string fetch = plan(
      "SELECT id, family_id, given_name, middle_names, surname, dob, sex, role, postcode, house, "
      "address, "
      "joined_on FROM person WHERE pk = ?1");
  CHECK(fetch.find("SEARCH person USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
  std::string scoring = plan(
      "SELECT family_id, given_name, middle_names, surname, dob, postcode, house FROM person WHERE "
      "pk = ?1");
  CHECK(scoring.find("SEARCH person USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
  std::string fam = plan("SELECT status = 'cohort' FROM family WHERE id = ?1");
  CHECK(fam.find("SEARCH family USING INDEX sqlite_autoindex_family_1 (id=?)") !=
        std::string::npos);
  CHECK(fetch.find("SCAN") == std::string::npos);
  std::string freq = plan("SELECT n FROM name_freq WHERE kind = ?1 AND name = ?2");
  CHECK(freq.find("SEARCH name_freq USING PRIMARY KEY") != std::string::npos);
}

TEST_CASE("bulk indexing writes the same index as person-by-person indexing") {
  Store a = make_store(), b = make_store();
  for (const auto& p : kCohort) add(a, p);
  {
    match::BulkIndex bulk(b);
    for (const auto& p : kCohort) add(b, p);
    // Before finish() nothing is findable; after it, everything is.
    std::vector<int64_t> none;
    auto k = match::person_keys(
        match::normalise("Jonathan", "", "Smith", "2009-03-14", "HD1 2AB", "12"));
    REQUIRE(match::probe(b, k, 100, none).has_value());
    CHECK(none.empty());
    // A person updated within the same bulk keeps only the new keys.
    auto p = b.person("P2");
    REQUIRE(p.has_value());
    Person x = **p;
    x.dob = "1981-05-02";
    REQUIRE(match::change_person(b, x).has_value());
    REQUIRE(bulk.finish().has_value());
  }
  auto dump = [](Store& s) {
    std::string out;
    auto st =
        db::connection(s).prepare("SELECT bucket, hex(data) FROM match_bucket ORDER BY bucket");
    REQUIRE(st.has_value());
    for (;;) {
      auto r = st->step();
      REQUIRE(r.has_value());
      if (!*r) break;
      out += st->text(0) + ":" + st->text(1) + "\n";
    }
    auto f = db::connection(s).prepare("SELECT kind, name, n FROM name_freq ORDER BY kind, name");
    REQUIRE(f.has_value());
    for (;;) {
      auto r = f->step();
      REQUIRE(r.has_value());
      if (!*r) break;
      out += f->text(0) + f->text(1) + std::to_string(f->int64(2)) + "\n";
    }
    return out;
  };
  auto p = a.person("P2");
  Person x = **p;
  x.dob = "1981-05-02";
  REQUIRE(match::change_person(a, x).has_value());
  CHECK(dump(a) == dump(b));
  CHECK_FALSE(dump(a).empty());
  auto m = best(b, {"Robert", "Smith", "1981-05-02", "HD1 2AB", "12"});
  CHECK(m.person.id == "P2");
  CHECK(m.band == Band::kExact);
}

TEST_CASE("bulk indexing with small buffers writes the same index, in several passes") {
  // Bounds of 2 people and 5 keys force every write path of a long import:
  // rows and keys written before finish(), and a person updated after its
  // keys were written.
  Store a = make_store(), b = make_store();
  for (const auto& p : kCohort) add(a, p);
  {
    match::BulkIndex bulk(b, 2, 5);
    for (const auto& p : kCohort) add(b, p);
    auto p = b.person("P2");
    REQUIRE(p.has_value());
    Person x = **p;
    x.dob = "1981-05-02";
    REQUIRE(match::change_person(b, x).has_value());
    x.postcode = "HD1 2AD";
    REQUIRE(match::change_person(b, x).has_value());
    REQUIRE(bulk.finish().has_value());
  }
  auto p = a.person("P2");
  REQUIRE(p.has_value());
  Person x = **p;
  x.dob = "1981-05-02";
  x.postcode = "HD1 2AD";
  REQUIRE(match::change_person(a, x).has_value());
  auto dump = [](Store& s) {
    std::string out;
    for (const char* sql :
         {"SELECT bucket, hex(data) FROM match_bucket ORDER BY bucket",
          "SELECT pk, hex(keys) || given || '/' || surname FROM match_person ORDER BY pk",
          "SELECT kind || name, n FROM name_freq WHERE n != 0 ORDER BY kind, name"}) {
      auto st = db::connection(s).prepare(sql);
      REQUIRE(st.has_value());
      for (;;) {
        auto r = st->step();
        REQUIRE(r.has_value());
        if (!*r) break;
        out += st->text(0) + ":" + st->text(1) + "\n";
      }
    }
    return out;
  };
  CHECK(dump(a) == dump(b));
  CHECK_FALSE(dump(a).empty());
  auto m = best(b, {"Robert", "Smith", "1981-05-02", "HD1 2AD", "12"});
  CHECK(m.person.id == "P2");
}

TEST_CASE("families in the cohort or closed: a nominated family's people are not matched") {
  Store s = cohort_store(0);
  auto f = s.family("F7");
  REQUIRE(f.has_value());
  Family x = **f;
  x.status = "nominated";
  REQUIRE(s.put_family(x).has_value());
  auto r = look(s, {"Ann", "McDonald", "1960-04-05", "G1 1AA", "10"});
  CHECK(r.matches.empty());
  CHECK(r.household.empty());
  // Closed is not gone: still matched (the caller marks it closed).
  x.status = "closed";
  REQUIRE(s.put_family(x).has_value());
  CHECK(best(s, {"Ann", "McDonald", "1960-04-05", "G1 1AA", "10"}).band == Band::kExact);
  x.status = "cohort";
  REQUIRE(s.put_family(x).has_value());
  CHECK(best(s, {"Ann", "McDonald", "1960-04-05", "G1 1AA", "10"}).band == Band::kExact);
}

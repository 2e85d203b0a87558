// The forms a CohortIndex makes at load (match/cohort_index.hpp): each
// distinct text parsed once, and each person's forms the ones a lookup over
// the store makes from the fields.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fixtures.hpp"
#include "match/cohort_index.hpp"
#include "match/model.hpp"
#include "sfcohort/lookup.hpp"

using namespace sfcohort;

TEST_CASE("interner: one number and one parse for each distinct text") {
  match::Interner<std::string> in;
  int parsed = 0;
  auto parse = [&](std::string_view t) {
    ++parsed;
    return "<" + std::string(t) + ">";
  };
  CHECK(in.id("SMITH", parse) == 0);
  CHECK(in.id("SMITH", parse) == 0);  // the text asked for last
  CHECK(in.id("", parse) == 1);       // empty is a text like any other
  CHECK(in.id("JONES", parse) == 2);
  CHECK(in.id("SMITH", parse) == 0);  // not the last: found in the table
  CHECK(in.id("", parse) == 1);
  CHECK(in.id("SMIT", parse) == 3);  // a prefix is another text
  CHECK(in.id("SMITHS", parse) == 4);
  CHECK(parsed == 5);
  REQUIRE(in.size() == 5);
  CHECK(in.forms() == std::vector<std::string>{"<SMITH>", "<>", "<JONES>", "<SMIT>", "<SMITHS>"});
}

TEST_CASE("interner: texts longer than a slot holds") {
  match::Interner<std::string> in;
  auto same = [](std::string_view t) { return std::string(t); };
  const std::string a = "FEATHERSTONEHAUGH-SMYTHE", b = "FEATHERSTONEHAUGH-SMYTHES";
  const std::string c = "0123456789ABCDEF", d = "0123456789ABCDEG";  // 16 bytes: the most kept
  CHECK(in.id(a, same) == 0);
  CHECK(in.id(b, same) == 1);
  CHECK(in.id(c, same) == 2);
  CHECK(in.id(d, same) == 3);
  CHECK(in.id(a, same) == 0);
  CHECK(in.id(c, same) == 2);
  CHECK(in.id(b, same) == 1);
  CHECK(in.id(d, same) == 3);
  CHECK(in.forms() == std::vector<std::string>{a, b, c, d});
}

TEST_CASE("interner: numbers stay as the table grows") {
  match::Interner<std::string> in;
  auto same = [](std::string_view t) { return std::string(t); };
  constexpr int kTexts = 20000;
  for (int i = 0; i < kTexts; ++i) CHECK(in.id("T" + std::to_string(i), same) == uint32_t(i));
  // Asked again in another order, after many grows.
  for (int i = kTexts - 1; i >= 0; i -= 7)
    CHECK(in.id("T" + std::to_string(i), same) == uint32_t(i));
  CHECK(in.size() == size_t{kTexts});
  CHECK(in.forms()[12345] == "T12345");
  // Moved, it answers as before.
  match::Interner<std::string> moved = std::move(in);
  CHECK(moved.id("T77", same) == 77u);
  CHECK(moved.id("new", same) == uint32_t(kTexts));
}

TEST_CASE("a CohortIndex scores each person as the store's normalisation does") {
  Store s = testing::memory_store();
  const std::vector<testing::TestPerson> people = {
      {"F1", "P1", "Mary Jane", "Ann Louise", "Smith-Jones", "2009-03-14", "hd1 2ab", "Flat 3, 12"},
      {"F1", "P2", "Robert", "", "O'Brien", "2009-03-15", "HD1 2AB", "12A"},
      {"F2", "P3", "Zoë", "", "de la Cruz", "2010-02-28", "LS11 6AD", "Rose Cottage"},
      {"F2", "P4", "Mr John", "", "MacDonald Jr", "1970-01-20", "", ""},
      {"F3", "P5", "Jo", "", "Smith-Jones", "2001-01-01", "", "0012"},
      {"F3", "P6", "Mary Jane", "", "Smith-Jones", "2009-03-14", "HD1 2AB", "12"},
  };
  for (const auto& p : people) testing::add_test_person(s, p);
  auto m = Matcher::create(s);  // indexes the people and counts the names
  REQUIRE(m.has_value());
  auto index = CohortIndex::load(s);
  REQUIRE(index.has_value());
  REQUIRE(*index);
  const match::IndexData& x = match::IndexAccess::data(**index);
  REQUIRE(x.pk.size() == people.size());
  match::Norm n;
  for (uint32_t slot = 0; slot < x.pk.size(); ++slot) {
    CAPTURE(slot);
    std::string_view f[match::IndexData::kFieldCount];
    uint32_t family = 0;
    x.person_fields(slot, f, family);
    using F = match::IndexData;
    const match::Norm want = match::normalise_person(f[F::kGiven], f[F::kMiddle], f[F::kSurname],
                                                     f[F::kDob], f[F::kPostcode], f[F::kHouse]);
    double gtf = -1, stf = -1;
    const match::PersonForms pf = x.person_forms(slot);
    x.norm(pf, n, gtf, stf);
    CHECK(n.given.first == want.given.first);
    CHECK(n.given.others == want.given.others);
    CHECK(n.middle == want.middle);
    CHECK(n.surname.full == want.surname.full);
    CHECK(n.surname.parts == want.surname.parts);
    CHECK(n.dob_text == want.dob_text);
    CHECK(n.dob == want.dob);
    CHECK_FALSE(n.dob_valid);
    CHECK(n.postcode == want.postcode);
    CHECK_FALSE(n.postcode_valid);
    CHECK(n.house.number == want.house.number);
    CHECK(n.house.letter == want.house.letter);
    CHECK(n.house.flat == want.house.flat);
    CHECK(n.house.name == want.house.name);
    CHECK(n.sex == match::sex_of(f[F::kSex]));
    CHECK(pf.family == family);
    CHECK(gtf == x.tf(x.given_n, want.given.first));
    CHECK(stf == x.tf(x.surname_n, want.surname.full));
  }
  // Shared texts share a form (one reader here): three people named
  // Smith-Jones, one surname.
  const match::PersonForms first = x.person_forms(0);
  CHECK(first.reader == 0);
  CHECK(x.person_forms(4).surname == first.surname);
  CHECK(x.forms[0].surname.size() == 4);
  CHECK(x.forms[1].surname.empty());
  // The most common surname's share, from the stored name counts.
  CHECK(x.forms[0].surname_tf[first.surname] == doctest::Approx(3.0 / 6.0));
}

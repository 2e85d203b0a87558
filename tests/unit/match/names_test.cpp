#include <doctest/doctest.h>

#include "base/embedded.hpp"
#include "match/names.hpp"

using namespace sfcohort::names;

TEST_CASE("fold: accents, letters without a decomposition, case, punctuation") {
  struct {
    const char* in;
    const char* want;
  } cases[] = {
      {"Zoë", "ZOE"},
      {"Łukasz", "LUKASZ"},
      {"ŁUKASZ", "LUKASZ"},
      {"Øyvind", "OYVIND"},
      {"Straße", "STRASSE"},
      {"O'Brien", "OBRIEN"},
      {"O’Brien", "OBRIEN"},
      {"smith-jones", "SMITH JONES"},
      {"  de  la Cruz ", "DE LA CRUZ"},
      {"Siân", "SIAN"},
      {"Małgorzata", "MALGORZATA"},
      {"Dvořák", "DVORAK"},
      {"", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(fold(c.in) == c.want);
  }
}

TEST_CASE("surnames: particles, apostrophes, spaces and Mc/Mac") {
  CHECK(parse_surname("O'Brien").full == "OBRIEN");
  CHECK(parse_surname("OBrien").full == "OBRIEN");
  CHECK(parse_surname("O Brien").full == "OBRIEN");
  CHECK(parse_surname("MacDonald").full == parse_surname("McDonald").full);
  CHECK(parse_surname("Mac Donald").full == parse_surname("McDonald").full);
  CHECK(parse_surname("de la Cruz").full == "DELACRUZ");
  auto s = parse_surname("Smith-Jones");
  REQUIRE(s.parts.size() == 2);
  CHECK(s.parts[0] == "SMITH");
  CHECK(s.parts[1] == "JONES");
  CHECK(s.full == parse_surname("Smith Jones").full);
  CHECK(parse_surname("Smith Jr").full == "SMITH");
}

TEST_CASE("given names: titles dropped, further names kept") {
  auto g = parse_given("Mr John Paul");
  CHECK(g.first == "JOHN");
  REQUIRE(g.others.size() == 1);
  CHECK(g.others[0] == "PAUL");
  CHECK(parse_given("J.").first == "J");
  CHECK(parse_given("J.").is_initial());
}

TEST_CASE("variants: nicknames, short forms and spelling variants across communities") {
  const auto& v = Variants::builtin();
  CHECK(v.size() > 1000);
  struct {
    const char *a, *b;
  } related[] = {{"BOB", "ROBERT"},        {"LIZ", "ELIZABETH"},    {"KASIA", "KATARZYNA"},
                 {"MOHAMMED", "MUHAMMAD"}, {"MOHAMMAD", "MOHAMED"}, {"ZAINAB", "ZAYNAB"},
                 {"JON", "JONATHAN"},      {"SEAN", "SHAUN"},       {"ALFIE", "ALFRED"},
                 {"LUKASZ", "LUKE"},       {"IAIN", "IAN"}};
  for (const auto& r : related) {
    CAPTURE(r.a);
    CHECK(v.related(r.a, r.b));
    CHECK(v.related(r.b, r.a));
  }
  CHECK_FALSE(v.related("LAURA", "LAUREN"));
  CHECK_FALSE(v.related("JOHN", "MARY"));
  CHECK_FALSE(v.related("NOTANAME", "NOTANAME2"));
}

TEST_CASE("variants: the table compiled at build time is the one the data files give") {
  Variants parsed;
  size_t files = 0;
  for (const auto& r : sfcohort::embedded::all()) {
    if (r.name.rfind("data/names/", 0) != 0 || !r.name.ends_with(".csv")) continue;
    parsed.add_csv(r.data);
    ++files;
  }
  CHECK(files >= 2);
  const auto& compiled = Variants::builtin();
  CHECK(compiled.size() == parsed.size());
  CHECK(compiled.entries() == parsed.entries());
  // Lookups of names on either side of the sorted table, and absent ones.
  auto all = parsed.entries();
  REQUIRE(!all.empty());
  CHECK(compiled.groups(all.front().first) == all.front().second);
  CHECK(compiled.groups(all.back().first) == all.back().second);
  CHECK(compiled.groups("ZZZZNOTANAME") == std::vector<std::string>{"ZZZZNOTANAME"});
  CHECK(compiled.groups("") == std::vector<std::string>{""});
  CHECK_FALSE(compiled.related("", "ROBERT"));
}

TEST_CASE("variants: a table built from CSV text of either format") {
  Variants v;
  v.add_csv("name1,relationship,name2\nrobert,has_nickname,bob\nrobert,has_nickname,rob\n");
  v.add_csv("# comment\ngroup,names\nMuhammad,Mohammed Mohammad\n");
  CHECK(v.related("BOB", "ROB"));
  CHECK(v.related("MOHAMMED", "MOHAMMAD"));
  CHECK_FALSE(v.related("BOB", "MOHAMMED"));
  CHECK(v.groups("BOB") == std::vector<std::string>{"ROBERT"});
}

TEST_CASE("similarity measures") {
  CHECK(soundex("ROBERT") == "R163");
  CHECK(soundex("RUPERT") == "R163");
  CHECK(soundex("ASHCRAFT") == "A261");
  CHECK(soundex("TYMCZAK") == "T522");
  CHECK(soundex("") == "");
  CHECK(jaro_winkler("MARTHA", "MARHTA") == doctest::Approx(0.961).epsilon(0.001));
  CHECK(jaro_winkler("DIXON", "DICKSONX") == doctest::Approx(0.813).epsilon(0.001));
  CHECK(jaro_winkler("", "") == 1.0);
  CHECK(jaro_winkler("ABC", "") == 0.0);
}

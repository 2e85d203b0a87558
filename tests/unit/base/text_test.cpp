#include <doctest/doctest.h>

#include "sfcohort/text.hpp"

using namespace sfcohort;

TEST_CASE("dates: every accepted format, never month first") {
  struct Case {
    const char* in;
    const char* iso;  // nullptr: refused
  };
  const Case cases[] = {
      {"2009-03-14", "2009-03-14"},
      {"14/03/2009", "2009-03-14"},
      {"14/3/2009", "2009-03-14"},
      {"4/3/2009", "2009-03-04"},
      {"14-03-2009", "2009-03-14"},
      {"14.03.2009", "2009-03-14"},
      {" 14/03/2009 ", "2009-03-14"},
      {"29/02/2012", "2012-02-29"},
      {"29/02/2000", "2000-02-29"},
      {"31/02/2010", nullptr},
      {"29/02/2011", nullptr},
      {"29/02/1900", nullptr},
      {"12/31/2010", nullptr},
      {"1/2/10", nullptr},
      {"2009/03/14", nullptr},
      {"14/03/09", nullptr},
      {"", nullptr},
      {"yesterday", nullptr},
      {"00/01/2010", nullptr},
      {"14/13/2010", nullptr},
      {"14/03/2009x", nullptr},
      {"2009-3-14", "2009-03-14"},
      {"14-03/2009", nullptr},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    auto d = parse_date(c.in);
    if (c.iso) {
      REQUIRE(d.has_value());
      CHECK(d->iso() == c.iso);
    } else {
      CHECK_FALSE(d.has_value());
      if (!d) CHECK(d.error().code == Errc::kInvalidInput);
    }
  }
  CHECK(parse_date("1/2/10").error().message.find("two-digit year") != std::string::npos);
}

TEST_CASE("dates: lenient parsing keeps the parts of an impossible date") {
  auto d = parse_date_lenient("31/02/2010");
  REQUIRE(d);
  CHECK(d->year == 2010);
  CHECK(d->month == 2);
  CHECK(d->day == 31);
  CHECK_FALSE(parse_date_lenient("not a date"));
}

TEST_CASE("dates: day arithmetic round-trips and ages") {
  for (int days : {-50000, -1, 0, 1, 11016, 20000, 60000}) {
    CHECK(Date::from_days(days).days() == days);
  }
  CHECK(Date{1970, 1, 1}.days() == 0);
  CHECK(Date{2000, 3, 1}.days() - Date{2000, 2, 28}.days() == 2);
  CHECK(age_on({2008, 9, 12}, {2026, 9, 11}) == 17);
  CHECK(age_on({2008, 9, 12}, {2026, 9, 12}) == 18);
}

TEST_CASE("postcodes: the real UK rules, any case and spacing") {
  struct Case {
    const char* in;
    const char* unit;
  };
  const Case good[] = {{"hd12ab", "HD1 2AB"},    {"HD1 2AB", "HD1 2AB"}, {" wf13 1aa ", "WF13 1AA"},
                       {"M1 1AE", "M1 1AE"},     {"B33 8TH", "B33 8TH"}, {"CR2 6XH", "CR2 6XH"},
                       {"DN55 1PT", "DN55 1PT"}, {"W1A 0AX", "W1A 0AX"}, {"EC1A 1BB", "EC1A 1BB"},
                       {"GIR 0AA", "GIR 0AA"},   {"hd1  2ab", "HD1 2AB"}};
  for (const auto& c : good) {
    CAPTURE(c.in);
    auto p = parse_postcode(c.in);
    REQUIRE(p.has_value());
    CHECK(p->unit() == c.unit);
  }
  const char* bad[] = {"",        "HD1",      "HD1 2CC", "QQ1 1AA", "HD1 AAB", "12345",
                       "HDX 2AB", "HD1 2AB3", "V1 1AA",  "ZZ1 1AA", "HD1-2AB", "AI1 1AA"};
  for (const char* b : bad) {
    CAPTURE(b);
    CHECK_FALSE(parse_postcode(b).has_value());
  }
  auto p = *parse_postcode("WF13 1AA");
  CHECK(p.sector() == "WF13 1");
  CHECK(p.district() == "WF13");
  CHECK(p.area() == "WF");
  CHECK(postcode_compact("hd1-2ab ") == "HD12AB");
}

TEST_CASE("postcodes: a mistyped one is told from what is no postcode at all") {
  for (const char* typo : {"H5D 7XB", "HO4 4LL", "HD1 2CC", "hd12cc", "DB19 9DX", "XX1 1XX"}) {
    CAPTURE(typo);
    CHECK(shaped_like_postcode(typo));
  }
  for (const char* other : {"", "N/A", "12", "12/03/2015", "unknown", "NFA", "HD1-2AB",
                            "HD1 2AB3 X", "12345", "HD1", "Flat 2"}) {
    CAPTURE(other);
    CHECK_FALSE(shaped_like_postcode(other));
  }
}

TEST_CASE("names: cleaned, not mangled") {
  CHECK(*clean_name("  O'Brien ") == "O'Brien");
  CHECK(*clean_name("Smith-Jones") == "Smith-Jones");
  CHECK(*clean_name("de   la\tCruz") == "de la Cruz");
  CHECK(*clean_name("Zoë") == "Zoë");
  CHECK(*clean_name("Łukasz") == "Łukasz");
  CHECK(*clean_name("Anne\xc2\xa0Marie") == "Anne Marie");  // no-break space
  CHECK_FALSE(clean_name("Bad\x01Name").has_value());
  CHECK_FALSE(clean_name("\xff\xfe").has_value());
  CHECK(*parse_sex(" m ") == "M");
  CHECK(*parse_sex("") == "");
  CHECK_FALSE(parse_sex("male").has_value());
}

TEST_CASE("encodings: Windows-1252 to UTF-8") {
  CHECK(cp1252_to_utf8("Zo\xeb") == "Zoë");
  CHECK(cp1252_to_utf8("\x80") == "€");
  CHECK(cp1252_to_utf8("O\x92"
                       "Brien") == "O’Brien");
  CHECK(is_valid_utf8("Łukasz"));
  CHECK_FALSE(is_valid_utf8("Zo\xeb"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));  // overlong
}

TEST_CASE("edit_distance: optimal string alignment, bounded") {
  CHECK(edit_distance("SMITH", "SMITH") == 0);
  CHECK(edit_distance("SMITH", "SMYTH") == 1);
  CHECK(edit_distance("SMITH", "SMIHT") == 1);  // transposition
  CHECK(edit_distance("LAURA", "LAUREN") == 2);
  CHECK(edit_distance("A", "ABCDEFG", 3) == 4);  // stops early
  CHECK(edit_distance("A", "") == 1);            // either way round
  CHECK(edit_distance("", "A") == 1);
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("ABCDE", "", 3) == 4);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("kitten", "sitting", 2) == 3);  // past MAX: MAX+1
}

TEST_CASE("to_upper: Unicode letters too, other bytes kept") {
  CHECK(to_upper("Wójcik") == "WÓJCIK");
  CHECK(to_upper("Bąk-Şahin") == "BĄK-ŞAHIN");
  CHECK(to_upper("o'brien") == "O'BRIEN");
  CHECK(to_upper(std::string("a\xff"
                             "b")) == std::string("A\xff"
                                                  "B"));
}

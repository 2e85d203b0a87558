#include <doctest/doctest.h>

#include "sfcohort/table.hpp"
#include "sfcohort/text.hpp"

using namespace sfcohort;

namespace {
const std::vector<std::string_view> kFields = {"given_name", "preferred_name", "surname", "dob",
                                               "postcode"};
}

TEST_CASE("table: the alias table binds a school roll's headers") {
  auto cm = ColumnMap::bind(
      {"UPN", "Legal Forename", "Preferred Forename", "Legal Surname", "DOB", "Post Code", "Year"},
      kFields, {"surname", "dob"}, {}, "roll.csv");
  REQUIRE_MESSAGE(cm, (cm ? "" : cm.error().message));
  CHECK(cm->index("given_name") == 1);
  CHECK(cm->index("preferred_name") == 2);
  CHECK(cm->index("surname") == 3);
  CHECK(cm->index("dob") == 4);
  CHECK(cm->index("postcode") == 5);
  // UPN is known (person_id) but not a field here: unused, not unknown.
  CHECK(cm->unused() == std::vector<size_t>{0, 6});
  CHECK(cm->unknown() == std::vector<size_t>{6});
  REQUIRE(cm->sources().size() == 5);
  CHECK(cm->sources()[0] == std::pair<std::string, std::string>{"given_name", "Legal Forename"});
}

TEST_CASE("table: every alias the issue lists") {
  for (auto [h, f] :
       std::vector<std::pair<const char*, const char*>>{{"Forename", "given_name"},
                                                        {"First Name", "given_name"},
                                                        {"Legal Forename", "given_name"},
                                                        {"Preferred Forename", "preferred_name"},
                                                        {"Surname", "surname"},
                                                        {"Last Name", "surname"},
                                                        {"Legal Surname", "surname"},
                                                        {"Family Name", "surname"},
                                                        {"DOB", "dob"},
                                                        {"Date of Birth", "dob"},
                                                        {"Gender", "sex"},
                                                        {"Sex", "sex"},
                                                        {"Post Code", "postcode"},
                                                        {"Postcode", "postcode"},
                                                        {"House", "house"},
                                                        {"House Number", "house"},
                                                        {"Address Line 1", "house"},
                                                        {"Family Ref", "family_id"},
                                                        {"Family ID", "family_id"},
                                                        {"UPN", "person_id"},
                                                        {"Date Joined", "joined_on"},
                                                        {"Start Date", "joined_on"}}) {
    CAPTURE(h);
    CHECK(field_for_column(h) == f);
  }
  CHECK(field_for_column("School") == "");
}

TEST_CASE("table: --map binds a column by hand and overrides the aliases") {
  auto cm = ColumnMap::bind({"Pupil Surname", "Birth", "Surname"}, kFields, {"surname", "dob"},
                            {"surname=Pupil Surname", "dob=birth"}, "roll.csv");
  REQUIRE_MESSAGE(cm, (cm ? "" : cm.error().message));
  CHECK(cm->index("surname") == 0);
  CHECK(cm->index("dob") == 1);
  CHECK(cm->unused() == std::vector<size_t>{2});
  SUBCASE("bad maps") {
    for (auto [map, msg] : std::vector<std::pair<const char*, const char*>>{
             {"surname", "is not FIELD=HEADER"},
             {"colour=Birth", "'colour' is not a field here"},
             {"dob=Nowhere", "no column 'Nowhere' to map to dob"}}) {
      auto bad = ColumnMap::bind({"Pupil Surname", "Birth"}, kFields, {}, {map}, "roll.csv");
      REQUIRE_FALSE(bad);
      CHECK(bad.error().subject == Error::Subject::kColumns);
      CHECK(bad.error().message.find(msg) != std::string::npos);
    }
  }
}

TEST_CASE("table: a required field without a column names the headers and the nearest alias") {
  auto cm = ColumnMap::bind({"Forename", "Legal Surnme", "DOB"}, kFields, {"surname", "dob"}, {},
                            "r.csv");
  REQUIRE_FALSE(cm);
  CHECK(cm.error().message ==
        "r.csv: header: no column for surname among 'Forename', 'Legal Surnme', 'DOB'; the "
        "nearest known name is 'Legal Surname' (the file has 'Legal Surnme')");
  auto two = ColumnMap::bind({"Surname", "Last Name", "DOB"}, kFields, {}, {}, "r.csv");
  REQUIRE_FALSE(two);
  CHECK(two.error().message ==
        "r.csv: header: the columns 'Surname' and 'Last Name' both give surname");
}

TEST_CASE("dates: a midnight time part is accepted, another time is not") {
  CHECK(parse_date("03/04/2012 00:00")->iso() == "2012-04-03");
  CHECK(parse_date("2012-04-03T00:00:00")->iso() == "2012-04-03");
  CHECK(parse_date("03/04/2012 00:00:00.000")->iso() == "2012-04-03");
  auto t = parse_date("03/04/2012 13:45");
  REQUIRE_FALSE(t);
  CHECK(t.error().message.find("has a time of day") != std::string::npos);
}

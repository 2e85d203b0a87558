#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>

#include "sfcohort/table.hpp"
#include "sfcohort/xlsx.hpp"

using namespace sfcohort;

TEST_CASE("xlsx: cell references") {
  CHECK(xlsx::column_of("A1") == 0);
  CHECK(xlsx::column_of("C5") == 2);
  CHECK(xlsx::column_of("Z9") == 25);
  CHECK(xlsx::column_of("AA1") == 26);
  CHECK(xlsx::column_of("XFD1") == 16383);
  CHECK(xlsx::column_of("5") == -1);
  CHECK(xlsx::row_of("C5") == 5);
  CHECK(xlsx::row_of("AB1048576") == 1048576);
  CHECK(xlsx::row_of("C") == 0);
  CHECK(xlsx::column_name(0) == "A");
  CHECK(xlsx::column_name(26) == "AA");
  CHECK(xlsx::column_name(16383) == "XFD");
}

TEST_CASE("xlsx: which number formats are dates") {
  CHECK(xlsx::is_date_format(14, ""));
  CHECK(xlsx::is_date_format(22, ""));
  CHECK_FALSE(xlsx::is_date_format(0, ""));
  CHECK_FALSE(xlsx::is_date_format(2, ""));
  CHECK_FALSE(xlsx::is_date_format(20, ""));  // h:mm
  CHECK(xlsx::is_date_format(164, "dd/mm/yyyy"));
  CHECK(xlsx::is_date_format(165, "yyyy\\-mm\\-dd"));
  CHECK(xlsx::is_date_format(166, "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"));
  CHECK(xlsx::is_date_format(167, "d mmm yy;@"));
  CHECK_FALSE(xlsx::is_date_format(168, "h:mm:ss AM/PM"));
  CHECK_FALSE(xlsx::is_date_format(169, "[h]:mm"));
  CHECK_FALSE(xlsx::is_date_format(170, "0.00\" days\""));
  CHECK_FALSE(xlsx::is_date_format(171, "#,##0;[Red]-#,##0"));
  CHECK_FALSE(xlsx::is_date_format(172, "General"));
}

TEST_CASE("xlsx: serial numbers to dates") {
  SUBCASE("1900 system") {
    CHECK(*xlsx::serial_to_date("1", false) == "1900-01-01");
    CHECK(*xlsx::serial_to_date("59", false) == "1900-02-28");
    CHECK_FALSE(xlsx::serial_to_date("60", false));  // 29/02/1900 never was
    CHECK(*xlsx::serial_to_date("61", false) == "1900-03-01");
    CHECK(*xlsx::serial_to_date("39886", false) == "2009-03-14");
    CHECK(*xlsx::serial_to_date("45292", false) == "2024-01-01");
    CHECK(*xlsx::serial_to_date("45292.0", false) == "2024-01-01");
    CHECK(*xlsx::serial_to_date("45292.99999999", false) == "2024-01-02");  // midnight by rounding
    CHECK(*xlsx::serial_to_date("45292.5729166667", false) == "2024-01-01 13:45");
    CHECK_FALSE(xlsx::serial_to_date("0", false));
    CHECK_FALSE(xlsx::serial_to_date("-3", false));
    CHECK_FALSE(xlsx::serial_to_date("abc", false));
    CHECK_FALSE(xlsx::serial_to_date("", false));
    CHECK_FALSE(xlsx::serial_to_date("99999999", false));
  }
  SUBCASE("1904 system") {
    CHECK(*xlsx::serial_to_date("0", true) == "1904-01-01");
    CHECK(*xlsx::serial_to_date("38424", true) == "2009-03-14");
    CHECK_FALSE(xlsx::serial_to_date("-1", true));
  }
  SUBCASE("and back") {
    for (const char* iso : {"1900-01-01", "1900-02-28", "1900-03-01", "2009-03-14", "2099-12-31"}) {
      auto d = parse_date(iso);
      REQUIRE(d);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.0f", xlsx::date_serial(*d));
      CHECK(*xlsx::serial_to_date(buf, false) == iso);
    }
  }
}

TEST_CASE("xlsx: numbers and text as a person reads them") {
  CHECK(xlsx::number_text("12") == "12");
  CHECK(xlsx::number_text("12.0") == "12");
  CHECK(xlsx::number_text("1.2E1") == "12");
  CHECK(xlsx::number_text("0.1") == "0.1");
  CHECK(xlsx::number_text("0.30000000000000004") == "0.3");
  CHECK(xlsx::number_text("-4") == "-4");
  CHECK(xlsx::number_text("1234567890123") == "1234567890123");
  CHECK(xlsx::number_text("not") == "not");
  CHECK(xlsx::unescape_text("a_x000D_b") == "a\rb");
  CHECK(xlsx::unescape_text("_x00e9_") == "\xC3\xA9");
  CHECK(xlsx::unescape_text("plain_text") == "plain_text");
  CHECK(xlsx::unescape_text("_xZZZZ_") == "_xZZZZ_");
}

TEST_CASE("xlsx: the writer's workbook read back by the table reader") {
  char dir[] = "/tmp/sfcohort-xlsx-XXXXXX";
  REQUIRE(mkdtemp(dir));
  const std::string path = std::string(dir) + "/t.xlsx";
  {
    auto w = xlsx::Writer::create(path, "people");
    REQUIRE(w);
    using K = xlsx::Writer::Kind;
    REQUIRE(w->header({"id", "dob", "n", "note"}, {K::kText, K::kDate, K::kNumber}));
    REQUIRE(w->row({"007", "14/03/2009", "12", "=1+1"}));
    REQUIRE(w->row({"", "", "", ""}));
    REQUIRE(w->row({"P2", "not a date", "x", "Rose Cottage\nMill Lane"}));
    CHECK(w->rows() == 3);
    REQUIRE(w->commit());
  }
  auto t = open_table(path);
  REQUIRE(t);
  CHECK((*t)->header() == std::vector<std::string>{"id", "dob", "n", "note"});
  TableRow r;
  REQUIRE(*(*t)->next(r));
  CHECK(r.row == 2);
  CHECK(r.fields == std::vector<std::string>{"007", "2009-03-14", "12", "=1+1"});
  REQUIRE(*(*t)->next(r));
  CHECK(r.row == 4);  // the empty row is skipped and counted
  CHECK(r.fields == std::vector<std::string>{"P2", "not a date", "x", "Rose Cottage\nMill Lane"});
  CHECK_FALSE(*(*t)->next(r));
  CHECK((*t)->blank_rows() == 1);
  CHECK(std::system(("rm -rf " + std::string(dir)).c_str()) == 0);
}

TEST_CASE("xlsx: a workbook goes to a file, never standard output") {
  CHECK_FALSE(xlsx::Writer::create("-", "x"));
}

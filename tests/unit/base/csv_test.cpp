#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "sfcohort/csv.hpp"

using namespace sfcohort;

namespace {
std::string temp_csv(const std::string& content) {
  char name[] = "/tmp/sfcohort-csv-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  close(fd);
  return name;
}

std::vector<std::vector<std::string>> read_all(const std::string& content) {
  std::string path = temp_csv(content);
  auto r = CsvReader::open(path);
  REQUIRE(r.has_value());
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> f;
  for (;;) {
    auto got = r->next(f);
    REQUIRE(got.has_value());
    if (!*got) break;
    rows.push_back(f);
  }
  std::remove(path.c_str());
  return rows;
}
}  // namespace

TEST_CASE("csv: RFC 4180 quoting, CRLF and a byte-order mark") {
  auto rows = read_all(
      "\xef\xbb\xbf"
      "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\r\n");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<std::string>{"a", "b", "c"});
  CHECK(rows[1] == std::vector<std::string>{"1", "x, y", "say \"hi\""});
  CHECK(rows[2] == std::vector<std::string>{"2", "two\nlines", ""});
}

TEST_CASE("csv: no final newline, empty fields, Windows-1252") {
  auto rows = read_all("a,b\n,\nZo\xeb,x");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1] == std::vector<std::string>{"", ""});
  CHECK(rows[2][0] == "Zoë");
}

TEST_CASE("csv: a bad record names its row and the reader goes on") {
  std::string big(CsvReader::kMaxRecordBytes + 10, 'x');
  std::string path = temp_csv("h\n" + big + "\nok\n");
  auto r = CsvReader::open(path);
  REQUIRE(r);
  std::vector<std::string> f;
  REQUIRE(*r->next(f));
  auto bad = r->next(f);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message.find("row 1: is longer than 1 MiB") != std::string::npos);
  CHECK_FALSE(r->fatal());
  auto good = r->next(f);
  REQUIRE(good.has_value());
  CHECK(*good);
  CHECK(f == std::vector<std::string>{"ok"});
  CHECK(r->record_number() == 2);
  std::remove(path.c_str());
}

TEST_CASE("csv: header aliases") {
  CHECK(canonical_column("Forename") == "given_name");
  CHECK(canonical_column("Last Name") == "surname");
  CHECK(canonical_column("date_of_birth") == "dob");
  CHECK(canonical_column("Post-Code") == "postcode");
  CHECK(canonical_column("House No") == "house");
  CHECK(canonical_column("FAMILY") == "family_id");
  CHECK(canonical_column("Person ID") == "person_id");
  CHECK(canonical_column("School Name") == "schoolname");
  CsvColumns cols({"Forename", "dob"});
  CHECK(cols.index("given_name") == 0);
  CHECK(cols.index("surname") == -1);
}

TEST_CASE("csv: writing quotes and guards against formula injection") {
  std::string out;
  append_csv_row(out,
                 {"plain", "a,b", "say \"x\"", "=SUM(A1)", "+1", "-2", "@x", "\tx", "two\nlines"});
  CHECK(out == "plain,\"a,b\",\"say \"\"x\"\"\",'=SUM(A1),'+1,'-2,'@x,'\tx,\"two\nlines\"\n");
}

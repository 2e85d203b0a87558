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
  auto rows = read_all("a,b\n,x\n,\nZo\xeb,");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1] == std::vector<std::string>{"", "x"});
  CHECK(rows[2] == std::vector<std::string>{"Zoë", ""});
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
  CHECK(bad.error().message.find("row 2: is longer than 1 MiB") != std::string::npos);
  CHECK_FALSE(r->fatal());
  auto good = r->next(f);
  REQUIRE(good.has_value());
  CHECK(*good);
  CHECK(f == std::vector<std::string>{"ok"});
  CHECK(r->record_number() == 3);
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
  CHECK(canonical_column("Legal Surname") == "surname");
  CHECK(canonical_column("D.O.B.") == "dob");
}

namespace {
// Every row of CONTENT as the reader gives it: "N:fields|..." or "N!error".
std::vector<std::string> rows_of(const std::string& content) {
  std::string path = temp_csv(content);
  auto r = CsvReader::open(path);
  REQUIRE(r.has_value());
  std::vector<std::string> out;
  TableRow row;
  for (;;) {
    auto got = r->read(row);
    REQUIRE_MESSAGE(got.has_value(), (got ? "" : got.error().message));
    if (!*got) break;
    std::string s = std::to_string(row.row);
    if (!row.error.empty()) {
      s += "!" + row.error;
    } else {
      s += ":";
      for (size_t i = 0; i < row.fields.size(); ++i) s += (i ? "|" : "") + row.fields[i];
    }
    out.push_back(s);
  }
  std::remove(path.c_str());
  return out;
}
}  // namespace

TEST_CASE("csv: rows numbered as a spreadsheet shows them, blank rows skipped") {
  auto rows = rows_of("a,b\n1,2\n\n,\n , \n3,4\n");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == "1:a|b");
  CHECK(rows[1] == "2:1|2");
  CHECK(rows[2] == "6:3|4");
}

TEST_CASE("csv: a NUL byte or a control character is an error for its row only") {
  auto rows = rows_of(std::string("a,b\n1,x\0y\n2,\x01\n3,ok\n", 19));
  REQUIRE(rows.size() == 4);
  CHECK(rows[1] == "2!'b' holds a NUL byte");
  CHECK(rows[2] == "3!'b' holds a control character (0x01)");
  CHECK(rows[3] == "4:3|ok");
}

TEST_CASE("csv: invalid UTF-8 in a UTF-8 file is an error for its row") {
  auto rows = rows_of(
      "\xef\xbb\xbf"
      "a,b\n1,Si\xc3\xa2n\n2,Zo\xeb\n3,ok\n");
  REQUIRE(rows.size() == 4);
  CHECK(rows[1] == "2:1|Si\xc3\xa2n");
  CHECK(rows[2] == "3!'b' holds bytes that are not valid UTF-8");
  CHECK(rows[3] == "4:3|ok");
}

TEST_CASE("csv: an unclosed quote is an error for its line; reading goes on at the next") {
  auto rows = rows_of("a,b,c\n1,\"x,y\n2,z,w\n3,\"Rose Cottage\nMill Lane\",v\n");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == "1:a|b|c");
  CHECK(rows[1].rfind("2!a quoted field is not closed", 0) == 0);
  CHECK(rows[2] == "3:2|z|w");
  CHECK(rows[3] == "4:3|Rose Cottage\nMill Lane|v");
  auto last = rows_of("a,b\n1,\"x\n");
  REQUIRE(last.size() == 2);
  CHECK(last[1].rfind("2!a quoted field is not closed", 0) == 0);
  auto after = rows_of("a,b\n1,\"x\"y\n2,z\n");
  REQUIRE(after.size() == 3);
  CHECK(after[1] == "2!has text after a closing quote");
  CHECK(after[2] == "3:2|z");
}

TEST_CASE("csv: a header of binary data refuses the file") {
  std::string path = temp_csv(std::string("\0\x01\x02,x\n", 6));
  auto r = CsvReader::open(path);
  REQUIRE(r);
  TableRow row;
  auto got = r->read(row);
  REQUIRE_FALSE(got.has_value());
  CHECK(got.error().message.find("holds binary data") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("csv: writing quotes and guards against formula injection") {
  std::string out;
  append_csv_row(out,
                 {"plain", "a,b", "say \"x\"", "=SUM(A1)", "+1", "-2", "@x", "\tx", "two\nlines"});
  CHECK(out == "plain,\"a,b\",\"say \"\"x\"\"\",'=SUM(A1),'+1,'-2,'@x,'\tx,\"two\nlines\"\n");
}

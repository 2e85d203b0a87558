// What a workbook's cells mean: references, number formats that show dates,
// serial numbers, and the text escapes of OOXML.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sfcohort/text.hpp"
#include "sfcohort/xlsx.hpp"

namespace sfcohort::xlsx {

int column_of(std::string_view ref) {
  int col = 0;
  size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) {
    col = col * 26 + (ref[i] - 'A' + 1);
    if (col > 16384) return -1;  // Excel's last column is XFD
  }
  return i == 0 ? -1 : col - 1;
}

size_t row_of(std::string_view ref) {
  size_t i = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') ++i;
  size_t row = 0;
  for (; i < ref.size() && ref[i] >= '0' && ref[i] <= '9'; ++i) {
    row = row * 10 + static_cast<size_t>(ref[i] - '0');
    if (row > kMaxRows) return 0;
  }
  return i == ref.size() ? row : 0;
}

std::string column_name(int col) {
  std::string s;
  for (int n = col + 1; n > 0; n = (n - 1) / 26) s.insert(s.begin(), char('A' + (n - 1) % 26));
  return s;
}

bool is_date_format(int id, std::string_view code) {
  if ((id >= 14 && id <= 17) || id == 22) return true;  // 18-21, 45-47 are times of day
  if (id < 164 && code.empty()) return false;
  bool day = false, month = false, year = false;
  bool quoted = false, bracket = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (quoted) {
      quoted = c != '"';
      continue;
    }
    if (bracket) {
      bracket = c != ']';
      continue;
    }
    if (c == '"') quoted = true;
    if (c == '[') bracket = true;
    if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is a literal or a padding character
      continue;
    }
    if (c == ';') break;  // the first section decides
    if (c == 'd' || c == 'D') day = true;
    if (c == 'y' || c == 'Y') year = true;
    if (c == 'm' || c == 'M') month = true;
  }
  // "mm" alone is minutes in a time ("h:mm"); with a day or a year, a month.
  (void)month;
  return day || year;
}

Result<std::string> serial_to_date(std::string_view value, bool date1904) {
  const std::string v(value);
  char* end = nullptr;
  const double serial = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(serial))
    return invalid_input("'" + v + "' is not a date serial number");
  double whole = std::floor(serial);
  double frac = serial - whole;
  // A time within half a second of midnight is midnight.
  const long seconds = std::lround(frac * 86400.0);
  if (seconds >= 86400) whole += 1;
  const long secs = seconds % 86400;
  if (whole > 2958465 + 1462) return invalid_input("serial " + v + " is after 9999");
  if (whole < 0) return invalid_input("serial " + v + " is before the first date Excel shows");
  const long n = static_cast<long>(whole);
  int days = 0;  // since 1970-01-01
  if (date1904) {
    if (n < 0) return invalid_input("serial " + v + " is before 1904-01-01");
    days = static_cast<int>(n - 24107);
  } else {
    // Excel counts a 29 February 1900 that never was (Lotus 1-2-3's error):
    // serial 60; from 61 on, serial n is n days after 1899-12-30.
    if (n < 1) return invalid_input("serial " + v + " is before 1900-01-01");
    if (n == 60) return invalid_input("serial 60 is 29/02/1900, a day that never was");
    days = static_cast<int>(n < 60 ? n - 25568 : n - 25569);
  }
  std::string out = Date::from_days(days).iso();
  if (secs != 0) {
    char t[16];
    std::snprintf(t, sizeof t, " %02ld:%02ld", secs / 3600, secs / 60 % 60);
    out += t;
  }
  return out;
}

double date_serial(const Date& d) {
  const int n = d.days() + 25569;
  return n < 61 ? n - 1 : n;
}

std::string number_text(std::string_view value) {
  const std::string v(value);
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(x)) return v;
  char buf[40];
  if (x == std::floor(x) && std::fabs(x) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", x);
  else
    std::snprintf(buf, sizeof buf, "%.15g", x);
  return buf;
}

std::string unescape_text(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) {
    return (c >= '0' && c <= '9')   ? c - '0'
           : (c >= 'a' && c <= 'f') ? c - 'a' + 10
           : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                    : -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_' && i + 6 < text.size() && text[i + 1] == 'x' && text[i + 6] == '_') {
      int cp = 0;
      bool ok = true;
      for (size_t k = 2; k < 6; ++k) {
        const int h = hex(text[i + k]);
        ok = ok && h >= 0;
        cp = cp * 16 + h;
      }
      if (ok) {
        append_utf8(out, static_cast<uint32_t>(cp));
        i += 6;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace sfcohort::xlsx

#include "sfcohort/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <utf8proc.h>

namespace sfcohort {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return c >= 'A' && c <= 'Z'; }

// Reads 1..max_digits digits at S[i]; returns -1 if none.
int read_number(std::string_view s, size_t& i, size_t max_digits, size_t& ndigits) {
  int v = 0;
  ndigits = 0;
  while (i < s.size() && is_digit(s[i]) && ndigits < max_digits + 1) {
    v = v * 10 + (s[i] - '0');
    ++i;
    ++ndigits;
  }
  return ndigits == 0 ? -1 : v;
}

struct RawDate {
  int y = 0, m = 0, d = 0;
  size_t ydigits = 0;
};

// Splits "2010-02-31", "31/02/2010", "31.2.2010" into parts without judging
// whether they form a real date.
std::optional<RawDate> split_date(std::string_view s) {
  size_t i = 0, n1 = 0, n2 = 0, n3 = 0;
  int a = read_number(s, i, 4, n1);
  if (a < 0 || i >= s.size()) return std::nullopt;
  char sep = s[i];
  if (sep != '-' && sep != '/' && sep != '.') return std::nullopt;
  ++i;
  int b = read_number(s, i, 2, n2);
  if (b < 0 || i >= s.size() || s[i] != sep) return std::nullopt;
  ++i;
  int c = read_number(s, i, 4, n3);
  if (c < 0 || i != s.size()) return std::nullopt;
  RawDate r;
  if (n1 == 4 && sep == '-') {  // YYYY-MM-DD
    if (n2 > 2 || n3 > 2) return std::nullopt;
    r.y = a, r.m = b, r.d = c, r.ydigits = 4;
  } else {  // day first, never month first
    if (n1 > 2 || n2 > 2 || n3 > 4) return std::nullopt;
    r.d = a, r.m = b, r.y = c, r.ydigits = n3;
  }
  return r;
}

enum class TimePart { kNone, kMidnight, kTimeOfDay };

// Takes a time part off T: " 00:00", " 00:00:00", "T00:00:00.000" as
// spreadsheets write a date with its time (midnight when only a date was
// entered).
TimePart strip_time(std::string& t) {
  size_t at = t.find_first_of(" T");
  if (at == std::string::npos || at == 0) return TimePart::kNone;
  std::string_view time = std::string_view(t).substr(at + 1);
  while (!time.empty() && time.front() == ' ') time.remove_prefix(1);
  if (time.size() < 4 || time.find(':') == std::string_view::npos) return TimePart::kNone;
  bool midnight = true;
  for (char c : time) {
    if (c == ':' || c == '.') continue;
    if (!is_digit(c)) return TimePart::kNone;
    if (c != '0') midnight = false;
  }
  t.resize(at);
  return midnight ? TimePart::kMidnight : TimePart::kTimeOfDay;
}

constexpr std::array<int, 13> kDaysInMonth = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// The UK's postcode areas (Royal Mail), with the Crown dependencies.
constexpr std::string_view kAreas[] = {
    "AB", "AL", "B",  "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH",
    "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E",
    "EC", "EH", "EN", "EX", "FK", "FY", "G",  "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS",
    "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L",  "LA", "LD", "LE", "LL",
    "LN", "LS", "LU", "M",  "ME", "MK", "ML", "N",  "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX",
    "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S",  "SA", "SE", "SG", "SK", "SL", "SM",
    "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW",
    "UB", "W",  "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE"};

bool known_area(std::string_view area) {
  for (auto a : kAreas) {
    if (a == area) return true;
  }
  return false;
}

bool in(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

// BS 7666 letter rules: no Q, V, X first; no I, J, Z second; restricted
// third and fourth letters; inward letters never C, I, K, M, O, V.
bool valid_outward(std::string_view o) {
  constexpr std::string_view kFirst = "ABCDEFGHIJKLMNOPRSTUWYZ";
  constexpr std::string_view kSecond = "ABCDEFGHKLMNOPQRSTUVWXY";
  constexpr std::string_view kThird = "ABCDEFGHJKPSTUW";
  constexpr std::string_view kFourth = "ABEHMNPRVWXY";
  const size_t n = o.size();
  if (n < 2 || n > 4 || !in(o[0], kFirst)) return false;
  if (is_digit(o[1])) {  // A9, A99, A9A
    if (n == 2) return true;
    if (n == 3) return is_digit(o[2]) || in(o[2], kThird);
    return false;
  }
  if (!in(o[1], kSecond) || n < 3 || !is_digit(o[2])) return false;  // AA9, AA99, AA9A
  if (n == 3) return true;
  return is_digit(o[3]) || in(o[3], kFourth);
}

bool valid_inward(std::string_view in3) {
  constexpr std::string_view kUnit = "ABDEFGHJLNPQRSTUWXYZ";
  return in3.size() == 3 && is_digit(in3[0]) && in(in3[1], kUnit) && in(in3[2], kUnit);
}

// Decodes one UTF-8 code point at S[i]; returns -1 on invalid input.
int32_t decode_utf8(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len;
  int32_t cp;
  if (b < 0x80) {
    ++i;
    return b;
  } else if ((b & 0xE0) == 0xC0) {
    len = 2, cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3, cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4, cp = b & 0x07;
  } else {
    return -1;
  }
  if (i + static_cast<size_t>(len) > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if ((c & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (c & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return -1;
  }
  i += static_cast<size_t>(len);
  return cp;
}

bool is_unicode_space(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

}  // namespace

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

// Days from civil (Howard Hinnant's algorithm, written from its description).
int Date::days() const {
  int y = year - (month <= 2 ? 1 : 0);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int mp = month > 2 ? month - 3 : month + 9;
  int doy = (153 * mp + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date Date::from_days(int z) {
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  Date d;
  d.day = doy - (153 * mp + 2) / 5 + 1;
  d.month = mp < 10 ? mp + 3 : mp - 9;
  d.year = y + (d.month <= 2 ? 1 : 0);
  return d;
}

bool is_valid_date(int y, int m, int d) {
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  int dim = kDaysInMonth[static_cast<size_t>(m)] + (m == 2 && leap(y) ? 1 : 0);
  return d <= dim;
}

Result<Date> parse_date(std::string_view text) {
  std::string t = trim(text);
  std::string q = "'" + t + "'";
  if (t.empty()) return invalid_input("date is empty");
  switch (strip_time(t)) {
    case TimePart::kNone:
    case TimePart::kMidnight:
      break;
    case TimePart::kTimeOfDay:
      return invalid_input(q + " has a time of day (a date alone, or 00:00, is expected)");
  }
  auto r = split_date(t);
  if (!r) return invalid_input(q + " is not a date (use YYYY-MM-DD or DD/MM/YYYY)");
  if (r->ydigits != 4) {
    return Error(Errc::kInvalidInput, q + " has a two-digit year",
                 {"write the year in full, e.g. 14/03/2009"});
  }
  if (!is_valid_date(r->y, r->m, r->d)) return invalid_input(q + " is not a date");
  return Date{r->y, r->m, r->d};
}

std::optional<Date> parse_date_lenient(std::string_view text) {
  std::string t = trim(text);
  strip_time(t);
  auto r = split_date(t);
  if (!r || r->ydigits != 4) return std::nullopt;
  return Date{r->y, r->m, r->d};
}

std::string Postcode::area() const {
  size_t i = 0;
  while (i < outward.size() && is_alpha(outward[i])) ++i;
  return outward.substr(0, i);
}

std::string postcode_compact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (is_alpha(c) || is_digit(c)) out += c;
  }
  return out;
}

Result<Postcode> parse_postcode(std::string_view text) {
  std::string t = trim(text);
  std::string c = postcode_compact(t);
  // Only letters, digits and spaces may appear, and at most one space run.
  bool clean = true;
  for (char ch : t) {
    if (!(is_digit(ch) || is_alpha(ch) || (ch >= 'a' && ch <= 'z') || ch == ' ')) clean = false;
  }
  std::string q = "'" + t + "'";
  if (!clean || c.size() < 5 || c.size() > 7)
    return invalid_input(q + " is not a valid UK postcode");
  Postcode p;
  p.outward = c.substr(0, c.size() - 3);
  p.inward = c.substr(c.size() - 3);
  if (c == "GIR0AA") return p;
  if (!valid_outward(p.outward) || !valid_inward(p.inward) || !known_area(p.area())) {
    return invalid_input(q + " is not a valid UK postcode");
  }
  return p;
}

bool shaped_like_postcode(std::string_view text) {
  size_t letters = 0, digits = 0;
  for (char c : text) {
    if (is_digit(c))
      ++digits;
    else if (is_alpha(c) || (c >= 'a' && c <= 'z'))
      ++letters;
    else if (c != ' ')
      return false;
  }
  return letters >= 2 && digits >= 2 && letters + digits >= 5 && letters + digits <= 7;
}

Result<std::string> parse_sex(std::string_view text) {
  std::string t = to_upper_ascii(trim(text));
  if (t.empty() || t == "M" || t == "F" || t == "X" || t == "U") return t;
  return invalid_input("sex '" + trim(text) + "' is not M, F, X, U or empty");
}

Result<std::string> clean_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < text.size()) {
    int32_t cp = decode_utf8(text, i);
    if (cp < 0) return invalid_input("'" + std::string(text) + "' is not valid UTF-8 text");
    if (is_unicode_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      return invalid_input("holds a control character");
    }
    if (pending_space) out += ' ';
    pending_space = false;
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else {
      size_t len = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      out.append(text.substr(i - len, len));
    }
  }
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return std::string(s.substr(b, e - b));
}

std::string to_upper_ascii(std::string_view s) {
  std::string o(s);
  for (auto& c : o) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return o;
}

std::string to_upper(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = -1;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      o += s[i++];
      continue;
    }
    utf8proc_uint8_t buf[4];
    auto w = utf8proc_encode_char(utf8proc_toupper(cp), buf);
    o.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(w));
    i += static_cast<size_t>(n);
  }
  return o;
}

std::string to_lower_ascii(std::string_view s) {
  std::string o(s);
  for (auto& c : o) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return o;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    if (decode_utf8(s, i) < 0) return false;
  }
  return true;
}

std::string cp1252_to_utf8(std::string_view s) {
  // 0x80–0x9F differ from Latin-1; 0 marks the five undefined bytes.
  static constexpr uint16_t kHigh[32] = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char ch : s) {
    auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out += ch;
    } else if (b < 0xA0) {
      append_utf8(out, kHigh[b - 0x80] ? kHigh[b - 0x80] : 0xFFFD);
    } else {
      append_utf8(out, b);
    }
  }
  return out;
}

int age_on(const Date& dob, const Date& on) {
  int a = on.year - dob.year;
  if (on.month < dob.month || (on.month == dob.month && on.day < dob.day)) --a;
  return a;
}

int edit_distance(std::string_view a, std::string_view b, int max) {
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return max + 1;
  if (n == 0 || m == 0) return std::max(n, m);  // that many insertions
  if (n > 64 || m > 64) return a == b ? 0 : max + 1;
  std::array<std::array<int, 65>, 65> d;
  for (int i = 0; i <= n; ++i) d[i][0] = i;
  for (int j = 0; j <= m; ++j) d[0][j] = j;
  for (int i = 1; i <= n; ++i) {
    int row_min = max + 1;
    for (int j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max) return max + 1;
  }
  return std::min(d[n][m], max + 1);
}

}  // namespace sfcohort

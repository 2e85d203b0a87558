#include "util.hpp"

#include <cstring>

namespace gen {

std::vector<uint64_t> zipf_weights(size_t n, unsigned offset) {
  std::vector<uint64_t> w(n);
  for (size_t i = 0; i < n; ++i) w[i] = 100000000ULL / (i + offset);
  return w;
}

// Howard Hinnant's civil-calendar arithmetic, written out here from its
// description (era of 400 years, March-based year).
int64_t days_from_ymd(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Ymd ymd_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

int days_in_month(int y, int m) {
  static const int k[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : 28;
  return k[m - 1];
}

bool valid_ymd(int y, int m, int d) {
  return y >= 1800 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

std::string iso_date(int64_t days) {
  const Ymd t = ymd_from_days(days);
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", t.y, t.m, t.d);
  return b;
}

static bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

static int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool parse_date(std::string_view s, int64_t& days) {
  int y, m, d;
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s.substr(0, 4)) &&
      all_digits(s.substr(5, 2)) && all_digits(s.substr(8, 2))) {
    y = to_int(s.substr(0, 4)), m = to_int(s.substr(5, 2)), d = to_int(s.substr(8, 2));
  } else {
    const auto a = s.find('/');
    const auto b = a == std::string_view::npos ? a : s.find('/', a + 1);
    if (b == std::string_view::npos) return false;
    auto ds = s.substr(0, a), ms = s.substr(a + 1, b - a - 1), ys = s.substr(b + 1);
    if (!all_digits(ds) || !all_digits(ms) || !all_digits(ys) || ys.size() != 4 || ds.size() > 2 ||
        ms.size() > 2)
      return false;
    y = to_int(ys), m = to_int(ms), d = to_int(ds);
  }
  if (!valid_ymd(y, m, d)) return false;
  days = days_from_ymd(y, m, d);
  return true;
}

std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(sep, i);
    if (j == std::string_view::npos) j = s.size();
    auto item = s.substr(i, j - i);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\n')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\n')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    i = j + 1;
  }
  return out;
}

std::string lower_ascii(std::string_view s) {
  std::string r(s);
  for (auto& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return r;
}

namespace {

// Decodes one code point at s[i], advancing i; invalid bytes pass as themselves.
uint32_t decode(std::string_view s, size_t& i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const size_t n = (c >= 0xF0) ? 3 : (c >= 0xE0) ? 2 : (c >= 0xC0) ? 1 : 0;
  if (n == 0 || i + n >= s.size()) {
    ++i;
    return c;
  }
  uint32_t cp = c & (0x3F >> n);
  for (size_t k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n + 1;
  return cp;
}

void encode(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// In Latin Extended-A most case pairs are (even upper, odd lower); two runs
// are the other way round.
bool ext_a_odd_upper(uint32_t cp) {
  return (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
}

uint32_t upper_cp(uint32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 32;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 32;
  if (cp >= 0x100 && cp <= 0x17F && cp != 0x138 && cp != 0x149 && cp != 0x178 && cp != 0x17F) {
    if (ext_a_odd_upper(cp)) return (cp % 2 == 0) ? cp - 1 : cp;
    return (cp % 2 == 1) ? cp - 1 : cp;
  }
  if (cp >= 0x218 && cp <= 0x21B) return cp & ~1u;
  return cp;
}

uint32_t lower_cp(uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp >= 0x100 && cp <= 0x17F && cp != 0x138 && cp != 0x149 && cp != 0x178 && cp != 0x17F) {
    if (ext_a_odd_upper(cp)) return (cp % 2 == 1) ? cp + 1 : cp;
    return (cp % 2 == 0) ? cp + 1 : cp;
  }
  if (cp >= 0x218 && cp <= 0x21B) return cp | 1u;
  return cp;
}

// The base letter of an accented Latin letter, or 0 when there is none here.
char base_letter(uint32_t cp) {
  const uint32_t l = lower_cp(cp);
  const bool up = l != cp;
  char b = 0;
  if (l >= 0xE0 && l <= 0xFF) {
    static const char* k = "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
    b = k[l - 0xE0];
    if (b == '/') b = 0;
  } else if (l >= 0x100 && l <= 0x17F) {
    static const char* k =
        "aaaaaa"
        "cccccccc"
        "dddd"
        "eeeeeeeeee"
        "gggggggg"
        "hhhh"
        "iiiiiiiiii"
        "ii"
        "jj"
        "kkk"
        "llllllllll"
        "nnnnnnn"
        "nn"
        "oooooo"
        "oo"
        "rrrrrr"
        "ssssssss"
        "tttttt"
        "uuuuuuuuuuuu"
        "ww"
        "yyy"
        "zzzzzz"
        "s";
    b = k[l - 0x100];
  } else if (l == 0x219) {
    b = 's';
  } else if (l == 0x21B) {
    b = 't';
  }
  if (b && up) b = static_cast<char>(b - 32);
  return b;
}

}  // namespace

std::string to_upper(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) encode(upper_cp(decode(s, i)), out);
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) encode(lower_cp(decode(s, i)), out);
  return out;
}

std::string fold_accents(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const uint32_t cp = decode(s, i);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (char b = base_letter(cp)) {
      out.push_back(b);
    } else {
      encode(cp, out);
    }
  }
  return out;
}

bool has_non_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return true;
  return false;
}

std::string initial_of(std::string_view s) {
  if (s.empty()) return {};
  size_t i = 0;
  std::string out;
  encode(upper_cp(decode(s, i)), out);
  return out;
}

std::string key_of(std::string_view s) {
  std::string f = fold_accents(s), out;
  for (char c : f) {
    if (c >= 'A' && c <= 'Z')
      out.push_back(static_cast<char>(c + 32));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out.push_back(c);
  }
  return out;
}

void CsvOut::field(std::string_view s) {
  bool quote = false;
  for (char c : s)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') quote = true;
  if (!quote) {
    buf_.append(s);
    return;
  }
  buf_.push_back('"');
  for (char c : s) {
    if (c == '"') buf_.push_back('"');
    buf_.push_back(c);
  }
  buf_.push_back('"');
}

bool CsvOut::flush() {
  if (!buf_.empty()) {
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) ok_ = false;
    buf_.clear();
  }
  return ok_;
}

int CsvIn::get() {
  if (pos_ == len_) {
    if (eof_) return -1;
    len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
    pos_ = 0;
    if (len_ == 0) {
      eof_ = true;
      return -1;
    }
  }
  return static_cast<unsigned char>(buf_[pos_++]);
}

bool CsvIn::next(std::vector<std::string>& fields) {
  fields.clear();
  int c = get();
  if (c < 0) return false;
  std::string cur;
  bool quoted = false, any = false;
  while (true) {
    if (c < 0) break;
    any = true;
    if (quoted) {
      if (c == '"') {
        int d = get();
        if (d == '"') {
          cur.push_back('"');
        } else {
          quoted = false;
          c = d;
          continue;
        }
      } else {
        cur.push_back(static_cast<char>(c));
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(cur));
      cur.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      cur.push_back(static_cast<char>(c));
    }
    c = get();
  }
  fields.push_back(std::move(cur));
  return any;
}

}  // namespace gen

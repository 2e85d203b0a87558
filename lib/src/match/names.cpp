#include "match/names.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace sfcohort::names {
namespace {

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// Appends the fold of one code point (already case-folded and stripped of
// marks by utf8proc) to OUT.
void fold_codepoint(utf8proc_int32_t cp, std::string& out) {
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      out += c;
    } else if (c == '\'' || c == '`') {
      // O'Brien is OBrien.
    } else {
      out += ' ';
    }
    return;
  }
  switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x02BC:
    case 0x02B9:
    case 0x00B4:  // quotes
      return;
    // Letters that have no decomposition into a base letter and a mark.
    case 0x0142:
    case 0x0141:
      out += 'L';
      return;  // ł
    case 0x00F8:
    case 0x00D8:
      out += 'O';
      return;  // ø
    case 0x0111:
    case 0x0110:
    case 0x00F0:
    case 0x00D0:
      out += 'D';
      return;  // đ ð
    case 0x0131:
      out += 'I';
      return;  // dotless i
    case 0x0127:
    case 0x0126:
      out += 'H';
      return;  // ħ
    case 0x00E6:
    case 0x00C6:
      out += "AE";
      return;
    case 0x0153:
    case 0x0152:
      out += "OE";
      return;
    case 0x00FE:
    case 0x00DE:
      out += "TH";
      return;
    case 0x00DF:
      out += "SS";
      return;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x00A0:
      out += ' ';
      return;
    default:
      break;
  }
  utf8proc_category_t cat = utf8proc_category(cp);
  bool letter = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
                cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LO ||
                cat == UTF8PROC_CATEGORY_LM;
  if (!letter) {
    out += ' ';
    return;
  }
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// Collapses runs of spaces and trims.
std::string squeeze(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> words(std::string_view folded) {
  std::vector<std::string> w;
  size_t i = 0;
  while (i < folded.size()) {
    size_t j = folded.find(' ', i);
    if (j == std::string_view::npos) j = folded.size();
    if (j > i) w.emplace_back(folded.substr(i, j - i));
    i = j + 1;
  }
  return w;
}

bool in(const std::string& w, std::initializer_list<const char*> list) {
  for (const char* x : list)
    if (w == x) return true;
  return false;
}

}  // namespace

std::string fold(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  if (is_ascii(utf8)) {
    for (char c : utf8) fold_codepoint(static_cast<unsigned char>(c), out);
    return squeeze(out);
  }
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                   static_cast<utf8proc_ssize_t>(utf8.size()), &mapped,
                   static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                                                  UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD));
  if (n < 0) {
    // Invalid UTF-8 (callers normally reject it first): keep the ASCII letters.
    for (char c : utf8)
      if (static_cast<unsigned char>(c) < 0x80) fold_codepoint(static_cast<unsigned char>(c), out);
    return squeeze(out);
  }
  utf8proc_ssize_t i = 0;
  while (i < n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(mapped + i, n - i, &cp);
    if (len <= 0) break;
    fold_codepoint(cp, out);
    i += len;
  }
  std::free(mapped);
  return squeeze(out);
}

GivenName parse_given(std::string_view utf8) {
  std::vector<std::string> w = words(fold(utf8));
  // Titles only when a name follows them ("Mr" alone is left as it is).
  while (w.size() > 1 && in(w.front(), {"MR", "MRS", "MS", "MISS", "MX", "DR", "MASTER", "SIR",
                                        "PROF", "REV", "LADY", "LORD", "DAME"}))
    w.erase(w.begin());
  GivenName g;
  if (w.empty()) return g;
  g.first = w.front();
  g.others.assign(w.begin() + 1, w.end());
  return g;
}

Surname parse_surname(std::string_view utf8) {
  std::vector<std::string> w = words(fold(utf8));
  while (w.size() > 1 &&
         in(w.back(), {"JR", "JNR", "JUNIOR", "SR", "SNR", "SENIOR", "II", "III", "IV"}))
    w.pop_back();
  Surname s;
  std::string pending;
  for (size_t i = 0; i < w.size(); ++i) {
    bool particle = in(w[i], {"O",   "MC",   "MAC",   "DE", "DA",   "DI",  "DO",   "DOS",   "DAS",
                              "DU",  "DEL",  "DELLA", "LA", "LE",   "VAN", "VON",  "DER",   "DEN",
                              "TER", "ST",   "SAINT", "AL", "EL",   "BIN", "BINT", "BINTI", "BEN",
                              "AP",  "FITZ", "UI",    "NI", "MHIC", "NIC"});
    if (particle && i + 1 < w.size()) {
      pending += w[i];
      continue;
    }
    std::string part = pending + w[i];
    pending.clear();
    if (part.size() > 3 && part.compare(0, 3, "MAC") == 0) part = "MC" + part.substr(3);
    s.parts.push_back(part);
  }
  for (const auto& p : s.parts) s.full += p;
  return s;
}

std::vector<std::string> parse_middle(std::string_view utf8) { return words(fold(utf8)); }

// ---------------------------------------------------------------------------
// Variants

struct Variants::Impl {
  std::unordered_map<std::string, std::vector<std::string>> groups;  // name -> group names
  void add(const std::string& name, const std::string& group) {
    if (name.empty() || group.empty()) return;
    auto& g = groups[name];
    if (std::find(g.begin(), g.end(), group) == g.end()) g.push_back(group);
  }
};

void Variants::ensure() {
  if (!impl_) impl_ = std::make_shared<Impl>();
}

namespace {
// Splits TEXT into lines, without the line ends; skips '#' comments and blanks.
std::vector<std::string_view> data_lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() != '#') out.push_back(line);
    i = j + 1;
  }
  return out;
}
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (true) {
    size_t j = s.find(sep, i);
    if (j == std::string_view::npos) {
      out.push_back(s.substr(i));
      return out;
    }
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
}
}  // namespace

// name1,relationship,name2 (the carltonnorthern format): NAME1 heads a group
// holding itself and every NAME2 listed for it.
void Variants::add_nickname_csv(std::string_view text) {
  ensure();
  auto lines = data_lines(text);
  for (size_t i = 1; i < lines.size(); ++i) {
    auto f = split(lines[i], ',');
    if (f.size() < 3) continue;
    std::string head = fold(f[0]), nick = fold(f[2]);
    if (head.find(' ') != std::string::npos || nick.find(' ') != std::string::npos) continue;
    impl_->add(head, head);
    impl_->add(nick, head);
  }
}

// group,names (our format): every name in NAMES (space-separated) and GROUP
// itself are variants of one another.
void Variants::add_group_csv(std::string_view text) {
  ensure();
  auto lines = data_lines(text);
  for (size_t i = 1; i < lines.size(); ++i) {
    auto f = split(lines[i], ',');
    if (f.size() < 2) continue;
    std::string head = fold(f[0]);
    if (head.empty()) continue;
    impl_->add(head, head);
    for (const auto& w : words(fold(f[1]))) impl_->add(w, head);
  }
}

void Variants::add_csv(std::string_view text) {
  // Our own files open with '#' comments before the header.
  size_t i = 0;
  while (i < text.size() && text[i] == '#') {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) return;
    i = j + 1;
  }
  std::string_view first = text.substr(i, text.find('\n', i) - i);
  if (first.find("relationship") != std::string_view::npos) {
    add_nickname_csv(text);
  } else {
    add_group_csv(text);
  }
}

namespace {
// FNV-1a: names are a few letters, and it needs no set-up.
uint64_t name_hash(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}
std::string_view name_at(const CompiledTable& t, uint32_t i) {
  return {t.text + t.off[i], t.off[i + 1] - t.off[i]};
}
}  // namespace

Variants Variants::compiled(const CompiledTable& t) {
  Variants v;
  v.table_ = &t;
  size_t size = 16;
  while (size < size_t{t.n} * 2) size *= 2;
  auto slots = std::make_shared<std::vector<uint32_t>>(size, 0);
  for (uint32_t i = 0; i < t.n; ++i) {
    size_t h = name_hash(name_at(t, i)) & (size - 1);
    while ((*slots)[h] != 0) h = (h + 1) & (size - 1);
    (*slots)[h] = i + 1;
  }
  v.by_hash_ = std::move(slots);
  return v;
}

long Variants::find(std::string_view name) const {
  const CompiledTable& t = *table_;
  const std::vector<uint32_t>& slots = *by_hash_;
  const size_t mask = slots.size() - 1;
  for (size_t h = name_hash(name) & mask;; h = (h + 1) & mask) {
    const uint32_t e = slots[h];
    if (e == 0) return -1;
    if (name_at(t, e - 1) == name) return e - 1;
  }
}

std::vector<std::string> Variants::groups(std::string_view name) const {
  if (table_) {
    long i = find(name);
    if (i < 0) return {std::string(name)};
    const CompiledTable& t = *table_;
    std::vector<std::string> out;
    for (uint32_t k = t.group_off[i]; k < t.group_off[i + 1]; ++k) {
      uint16_t g = t.groups[k];
      out.emplace_back(t.text + t.off[g], t.off[g + 1] - t.off[g]);
    }
    return out;
  }
  if (impl_) {
    auto it = impl_->groups.find(std::string(name));
    if (it != impl_->groups.end()) return it->second;
  }
  return {std::string(name)};
}

bool Variants::related(std::string_view a, std::string_view b) const {
  if (a.empty() || b.empty()) return false;
  if (table_) {
    long ia = find(a);
    if (ia < 0) return false;
    long ib = find(b);
    if (ib < 0) return false;
    const CompiledTable& t = *table_;
    // Both lists ascend: a merge finds any shared group.
    uint32_t x = t.group_off[ia], xe = t.group_off[ia + 1];
    uint32_t y = t.group_off[ib], ye = t.group_off[ib + 1];
    while (x < xe && y < ye) {
      if (t.groups[x] == t.groups[y]) return true;
      if (t.groups[x] < t.groups[y]) {
        ++x;
      } else {
        ++y;
      }
    }
    return false;
  }
  if (!impl_) return false;
  auto ia = impl_->groups.find(std::string(a));
  if (ia == impl_->groups.end()) return false;
  auto ib = impl_->groups.find(std::string(b));
  if (ib == impl_->groups.end()) return false;
  for (const auto& g : ia->second)
    if (std::find(ib->second.begin(), ib->second.end(), g) != ib->second.end()) return true;
  return false;
}

size_t Variants::size() const {
  if (table_) return table_->n;
  return impl_ ? impl_->groups.size() : 0;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Variants::entries() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  if (table_) {
    for (uint32_t i = 0; i < table_->n; ++i) {
      std::string name(table_->text + table_->off[i], table_->off[i + 1] - table_->off[i]);
      out.emplace_back(name, groups(name));
    }
    return out;
  }
  if (!impl_) return out;
  for (const auto& [name, g] : impl_->groups) {
    auto sorted = g;
    std::sort(sorted.begin(), sorted.end());
    out.emplace_back(name, std::move(sorted));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------
// Similarity

std::string soundex(std::string_view name) {
  static constexpr char kCode[26] = {'0', '1', '2', '3', '0', '1', '2', '0', '0',
                                     '2', '2', '4', '5', '5', '0', '1', '2', '6',
                                     '2', '3', '0', '1', '0', '2', '0', '2'};
  std::string out;
  char last = 0;
  for (char c : name) {
    if (c < 'A' || c > 'Z') continue;
    char code = kCode[c - 'A'];
    if (out.empty()) {
      out += c;
      last = code;
      continue;
    }
    if (c == 'H' || c == 'W') continue;  // do not separate equal codes
    if (code == '0') {
      last = 0;
      continue;
    }
    if (code != last) out += code;
    last = code;
    if (out.size() == 4) break;
  }
  if (out.empty()) return out;
  while (out.size() < 4) out += '0';
  return out;
}

double jaro_winkler(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a.size() > 64 || b.size() > 64) return a == b ? 1.0 : 0.0;
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  int window = std::max(0, std::max(n, m) / 2 - 1);
  std::array<bool, 64> ma{}, mb{};
  int matches = 0;
  for (int i = 0; i < n; ++i) {
    int lo = std::max(0, i - window), hi = std::min(m - 1, i + window);
    for (int j = lo; j <= hi; ++j) {
      if (mb[j] || a[i] != b[j]) continue;
      ma[i] = mb[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  int t = 0, k = 0;
  for (int i = 0; i < n; ++i) {
    if (!ma[i]) continue;
    while (!mb[k]) ++k;
    if (a[i] != b[k]) ++t;
    ++k;
  }
  double mm = matches;
  double jaro = (mm / n + mm / m + (mm - t / 2.0) / mm) / 3.0;
  int prefix = 0;
  while (prefix < 4 && prefix < n && prefix < m && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

}  // namespace sfcohort::names

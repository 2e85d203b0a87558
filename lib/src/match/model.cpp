#include "match/model.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace sfcohort {

std::string_view band_name(Band b) {
  switch (b) {
    case Band::kExact:
      return "exact";
    case Band::kStrong:
      return "strong";
    case Band::kPossible:
      return "possible";
    case Band::kNone:
      break;
  }
  return "none";
}

std::optional<Band> parse_band(std::string_view s) {
  for (Band b : {Band::kNone, Band::kPossible, Band::kStrong, Band::kExact})
    if (band_name(b) == s) return b;
  return std::nullopt;
}

std::string_view level_name(GivenLevel l) {
  static constexpr std::string_view k[] = {"exact",   "variant", "fuzzy",   "initial", "middle",
                                           "swapped", "differs", "missing", "split",   "two_edits"};
  return k[static_cast<int>(l)];
}
std::string_view level_name(SurnameLevel l) {
  static constexpr std::string_view k[] = {"exact",   "part",    "fuzzy",
                                           "swapped", "differs", "missing"};
  return k[static_cast<int>(l)];
}
std::string_view level_name(DobLevel l) {
  static constexpr std::string_view k[] = {"exact",   "swapped", "digit",  "near",
                                           "differs", "invalid", "missing"};
  return k[static_cast<int>(l)];
}
std::string_view level_name(PostcodeLevel l) {
  static constexpr std::string_view k[] = {"exact",   "near",    "sector", "district",
                                           "differs", "invalid", "missing"};
  return k[static_cast<int>(l)];
}
std::string_view level_name(HouseLevel l) {
  static constexpr std::string_view k[] = {"exact", "number", "differs", "missing"};
  return k[static_cast<int>(l)];
}
std::string_view level_name(SexLevel l) {
  static constexpr std::string_view k[] = {"same", "differs", "missing"};
  return k[static_cast<int>(l)];
}

std::string Why::to_string() const {
  std::string s;
  s += "given_name=";
  s += level_name(given_name);
  s += ";surname=";
  s += level_name(surname);
  s += ";dob=";
  s += level_name(dob);
  s += ";postcode=";
  s += level_name(postcode);
  s += ";house=";
  s += level_name(house);
  if (sex != SexLevel::kMissing) {
    s += ";sex=";
    s += level_name(sex);
  }
  if (twin_or_alias) s += ";note=twin_or_alias";
  if (namesake) s += ";note=namesake";
  return s;
}

}  // namespace sfcohort

namespace sfcohort::match {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ---------------------------------------------------------------------------
// Keys: a 64-bit hash of a tag and the normalised values. The hash is part of
// the database format: changing it needs a migration that rewrites the keys.

struct KeyHash {
  uint64_t h = 1469598103934665603ull;  // FNV-1a offset basis
  KeyHash& add(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0x1f;  // field separator
    h *= 1099511628211ull;
    return *this;
  }
  uint64_t done() const {
    // splitmix64 finaliser: spreads FNV's weak high bits.
    uint64_t z = h;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return z == 0 ? 1 : z;
  }
};

std::string two(int v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}
std::string ymd(const Date& d) { return std::to_string(d.year) + two(d.month) + two(d.day); }
std::string md(const Date& d) { return two(d.month) + two(d.day); }

// ymd(D) without allocating: the same characters.
class DigitsYmd {
 public:
  explicit DigitsYmd(const Date& d) {
    n_ = put(d.year, 0);
    n_ = put(d.month, n_, true);
    n_ = put(d.day, n_, true);
  }
  std::string_view view() const { return {buf_, n_}; }

 private:
  size_t put(int v, size_t at, bool two_digits = false) {
    char digits[16];
    const auto n =
        static_cast<size_t>(std::to_chars(digits, digits + sizeof digits, v).ptr - digits);
    if (two_digits && v >= 0 && v <= 9) buf_[at++] = '0';  // as two(): one digit gets a 0
    std::memcpy(buf_ + at, digits, n);
    return at + n;
  }
  char buf_[3 * 16 + 2];
  size_t n_ = 0;
};
// Year with day and month sorted: equal for a date and its day/month swap.
std::string dm_sorted(const Date& d) {
  int a = std::min(d.month, d.day), b = std::max(d.month, d.day);
  return std::to_string(d.year) + two(a) + two(b);
}

std::vector<std::string> surname_codes(const names::Surname& s) {
  std::vector<std::string> out;
  auto add = [&](const std::string& x) {
    std::string c = names::soundex(x);
    if (!c.empty() && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  add(s.full);
  if (s.parts.size() > 1)
    for (const auto& p : s.parts) add(p);
  return out;
}

std::vector<std::string> given_groups(const names::GivenName& g) {
  if (g.first.size() < 2) return {};
  return names::Variants::builtin().groups(g.first);
}

std::string initial(const std::string& name) {
  return name.empty() ? std::string() : name.substr(0, 1);
}

// The name keys. A stored person writes each with its own values; a query
// probes with every value it might have been written with: day and month
// swapped, every group of its given name, every initial those give (Bob may
// be written Robert), every part of its surname.
//   G  given-name group + date of birth     (surname changed or misspelt)
//   S  surname Soundex + date, day/month sorted (given name varied; swaps)
//   Y  initial + surname Soundex + year     (a digit wrong in day or month)
//   M  initial + surname Soundex + day, month (a digit wrong in the year)
// and, apart from the names (dob_house_key):
//   D  date of birth + house             (every name misspelt; the postcode too)
void add_name_keys(const std::vector<std::string>& groups, const std::vector<std::string>& initials,
                   const std::vector<std::string>& codes,
                   const std::vector<std::string>& full_codes, const Date& d, bool swapped_dates,
                   std::vector<uint64_t>& out) {
  std::vector<Date> dates{d};
  if (swapped_dates && d.day != d.month && d.day <= 12)
    dates.push_back(Date{d.year, d.day, d.month});
  for (const auto& g : groups)
    for (const auto& x : dates) out.push_back(KeyHash().add("G").add(g).add(ymd(x)).done());
  for (const auto& c : codes) out.push_back(KeyHash().add("S").add(c).add(dm_sorted(d)).done());
  for (const auto& i : initials)
    for (const auto& c : full_codes) {
      out.push_back(KeyHash().add("Y").add(i).add(c).add(std::to_string(d.year)).done());
      for (const auto& x : dates) out.push_back(KeyHash().add("M").add(i).add(c).add(md(x)).done());
    }
}

uint64_t dob_house_key(const Date& d, const House& h) {
  return KeyHash().add("D").add(ymd(d)).add(h.building()).done();
}

void sort_unique(std::vector<uint64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

House parse_house(std::string_view text) {
  House h;
  // fold() drops digits, so the raw text is tokenised for numbers.
  std::string f = names::fold(text);
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (is_digit(c) || (u < 0x80 && std::isalpha(u))) {
      cur += static_cast<char>(std::toupper(u));
    } else {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  // The building number is the last token that starts with a digit; a
  // number before it (after FLAT, APARTMENT, UNIT...) is the flat.
  int last = -1;
  for (int i = static_cast<int>(tokens.size()) - 1; i >= 0; --i)
    if (is_digit(tokens[static_cast<size_t>(i)][0])) {
      last = i;
      break;
    }
  if (last < 0) {
    for (char c : f)
      if (c != ' ') h.name += c;
    return h;
  }
  const std::string& t = tokens[static_cast<size_t>(last)];
  size_t i = 0;
  while (i < t.size() && is_digit(t[i])) ++i;
  h.number = t.substr(0, i);
  while (h.number.size() > 1 && h.number[0] == '0') h.number.erase(0, 1);
  h.letter = t.substr(i);
  // The flat: a number (or a lone letter, "Flat A") written before it.
  if (last > 0) {
    const std::string& u = tokens[static_cast<size_t>(last - 1)];
    if (is_digit(u[0]) || u.size() == 1) h.flat = u;
  }
  return h;
}

Norm normalise(std::string_view given, std::string_view middle, std::string_view surname,
               std::string_view dob, std::string_view postcode, std::string_view house) {
  Norm n = normalise_person(given, middle, surname, dob, postcode, house);
  if (n.dob) n.dob_valid = is_valid_date(n.dob->year, n.dob->month, n.dob->day);
  // Checking a postcode against the known areas is the dearest step; only
  // the query side needs it.
  n.postcode_valid = !n.postcode.empty() && parse_postcode(n.postcode).has_value();
  return n;
}

char sex_of(std::string_view text) {
  std::string t = trim(text);
  for (auto& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (t == "M" || t == "MALE") return 'M';
  if (t == "F" || t == "FEMALE") return 'F';
  return 0;
}

Norm normalise_person(std::string_view given, std::string_view middle, std::string_view surname,
                      std::string_view dob, std::string_view postcode, std::string_view house) {
  Norm n;
  n.given = names::parse_given(given);
  n.middle = names::parse_middle(middle);
  n.surname = names::parse_surname(surname);
  n.dob_text = trim(dob);
  if (!n.dob_text.empty()) {
    n.dob = parse_date_lenient(n.dob_text);
  }
  n.postcode = postcode_compact(postcode);
  n.house = parse_house(house);
  return n;
}

template <class T, class Parse>
const T& PersonNormaliser::remember(Memo<T>& memo, std::string_view text, Parse parse) {
  if (auto it = memo.find(text); it != memo.end()) return it->second;
  if (memo.size() >= kRemembered) memo.clear();  // bounded memory in long batches
  return memo.emplace(std::string(text), parse(text)).first->second;
}

Norm PersonNormaliser::operator()(std::string_view given, std::string_view middle,
                                  std::string_view surname, std::string_view dob,
                                  std::string_view postcode, std::string_view house) {
  // As normalise_person(), field by field.
  Norm n;
  n.given = remember(given_, given, names::parse_given);
  n.middle = remember(middle_, middle, names::parse_middle);
  n.surname = remember(surname_, surname, names::parse_surname);
  n.dob_text = trim(dob);
  if (!n.dob_text.empty()) n.dob = parse_date_lenient(n.dob_text);
  n.postcode = postcode_compact(postcode);
  n.house = remember(house_, house, parse_house);
  return n;
}

uint64_t address_key(const Norm& n) {
  if (n.postcode.empty() || n.house.empty()) return 0;
  return KeyHash().add("A").add(n.postcode).add(n.house.building()).done();
}

std::vector<uint64_t> person_keys(const Norm& p) {
  std::vector<uint64_t> out;
  if (p.dob) {
    std::vector<std::string> full;
    if (std::string c = names::soundex(p.surname.full); !c.empty()) full.push_back(c);
    add_name_keys(given_groups(p.given), {initial(p.given.first)}, surname_codes(p.surname), full,
                  *p.dob, false, out);
    if (!p.house.empty()) out.push_back(dob_house_key(*p.dob, p.house));
  }
  if (uint64_t a = address_key(p)) out.push_back(a);
  sort_unique(out);
  return out;
}

namespace {
std::vector<std::string> initials_of(const names::GivenName& g,
                                     const std::vector<std::string>& groups) {
  std::vector<std::string> out{initial(g.first)};
  for (const auto& x : groups)
    if (std::find(out.begin(), out.end(), initial(x)) == out.end()) out.push_back(initial(x));
  return out;
}
}  // namespace

std::vector<uint64_t> query_keys(const Norm& q) {
  std::vector<uint64_t> out;
  if (q.dob) {
    auto groups = given_groups(q.given);
    auto codes = surname_codes(q.surname);
    add_name_keys(groups, initials_of(q.given, groups), codes, codes, *q.dob, true, out);
    // Names reversed: the surname field as a given name and the given name
    // as a surname.
    names::GivenName g;
    if (!q.surname.parts.empty()) g.first = q.surname.parts.front();
    names::Surname s;
    if (!q.given.first.empty()) {
      s.full = q.given.first;
      s.parts = {q.given.first};
    }
    auto groups2 = given_groups(g);
    auto codes2 = surname_codes(s);
    add_name_keys(groups2, {initial(g.first)}, codes2, codes2, *q.dob, true, out);
    if (!q.house.empty()) {
      out.push_back(dob_house_key(*q.dob, q.house));
      const Date& d = *q.dob;
      if (d.day != d.month && d.day <= 12)
        out.push_back(dob_house_key(Date{d.year, d.day, d.month}, q.house));
    }
  }
  if (uint64_t a = address_key(q)) out.push_back(a);
  sort_unique(out);
  return out;
}

// ---------------------------------------------------------------------------
// Comparison

int edits_upto_one(std::string_view a, std::string_view b) {
  // As edit_distance(a, b, 1) (2 meaning "more than one"), which
  // leaves names over 64 bytes equal or not.
  if (a.empty() || b.empty()) return static_cast<int>(std::min<size_t>(a.size() + b.size(), 2));
  if (a.size() > 64 || b.size() > 64) return a == b ? 0 : 2;
  if (a.size() == b.size()) {
    size_t i = 0;
    while (i < a.size() && a[i] == b[i]) ++i;
    if (i == a.size()) return 0;
    if (a.substr(i + 1) == b.substr(i + 1)) return 1;  // one letter differs
    if (i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
        a.substr(i + 2) == b.substr(i + 2))
      return 1;  // two adjacent letters swapped
    return 2;
  }
  if (a.size() + 1 != b.size() && b.size() + 1 != a.size()) return 2;
  std::string_view s = a.size() < b.size() ? a : b, l = a.size() < b.size() ? b : a;
  size_t i = 0;
  while (i < s.size() && s[i] == l[i]) ++i;
  return s.substr(i) == l.substr(i + 1) ? 1 : 2;  // one letter more
}

namespace {

// Typos: one edit in a name of 3+ letters, two in a long name that starts
// the same. Laura and Lauren (two edits, five letters) are different people.
// Most names compared are not close: a linear check settles one edit, and
// the full distance is worked out only where two edits could still count.
bool given_typo(const std::string& a, const std::string& b) {
  size_t len = std::min(a.size(), b.size());
  if (len < 3) return false;
  if (edits_upto_one(a, b) <= 1) return true;
  return len >= 8 && a[0] == b[0] && edit_distance(a, b, 2) == 2;
}

bool surname_typo(const std::string& a, const std::string& b) {
  size_t len = std::min(a.size(), b.size());
  if (len < 3) return false;
  if (edits_upto_one(a, b) <= 1) return true;
  if (len >= 6 && edit_distance(a, b, 2) == 2) return true;
  return names::soundex(a) == names::soundex(b) && names::jaro_winkler(a, b) >= 0.9;
}

// A short form: written out (Chris / Christopher), a diminutive of five
// letters or fewer that keeps the first three (Mati / Mateusz), or the end of
// the name (Preet / Harpreet, Bella / Isabella). Look-alike names of twins
// (Laura / Lauren) differ by too little to be one of these.
bool short_form(const std::string& a, const std::string& b) {
  const std::string& s = a.size() < b.size() ? a : b;
  const std::string& l = a.size() < b.size() ? b : a;
  if (s.size() < 3 || l.size() <= s.size()) return false;
  if (l.compare(0, s.size(), s) == 0) return true;
  if (s.size() <= 5 && l.size() >= s.size() + 2 && l.compare(0, 3, s, 0, 3) == 0) return true;
  return s.size() >= 4 && l.compare(l.size() - s.size(), s.size(), s) == 0;
}

// A spelling skeleton for transliterated and variant spellings: C, K and Q
// alike, W and V, Y and I, PH and F, TH and T, EE and I, OO and U, a silent
// GH, a final IE or EY and a final H after a vowel dropped or made I, and
// doubled letters single (Khadeeja / Khadijah, Nasrin / Nasreen, Zainab /
// Zaynab, Kerrie / Kerry, Ruqayyah / Rukaya, Wiktoria / Victoria).
std::string skeleton(const std::string& n) {
  std::string t;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    char next = i + 1 < n.size() ? n[i + 1] : 0;
    bool last2 = i + 2 == n.size();
    if (c == 'E' && next == 'E') {
      t += 'I';
      ++i;
      continue;
    }
    if (c == 'O' && next == 'O') {
      t += 'U';
      ++i;
      continue;
    }
    if (c == 'P' && next == 'H') {
      t += 'F';
      ++i;
      continue;
    }
    if ((c == 'T' && next == 'H') || (c == 'G' && next == 'H')) {
      if (c == 'T') t += 'T';
      ++i;
      continue;
    }
    if (last2 &&
        ((c == 'I' && next == 'E') || (c == 'E' && next == 'Y') || (c == 'E' && next == 'I'))) {
      c = 'I';
      ++i;
    }
    if (c == 'C' || c == 'Q') c = 'K';
    if (c == 'W') c = 'V';
    if (c == 'Y') c = 'I';
    if (c == 'H' && i + 1 == n.size() && i > 0 && std::strchr("AEIOUY", n[i - 1])) continue;
    if (!t.empty() && t.back() == c) continue;
    t += c;
  }
  return t;
}

// A skeleton worked out when first needed, then kept: a candidate's given
// name is compared with up to three query names.
class LazySkeleton {
 public:
  explicit LazySkeleton(const std::string& name) : name_(name) {}
  const std::string& get() {
    if (!done_) {
      value_ = skeleton(name_);
      done_ = true;
    }
    return value_;
  }

 private:
  const std::string& name_;
  std::string value_;
  bool done_ = false;
};

// Q_SKELETON is skeleton(Q); P_SKELETON the (lazy) skeleton of P.first.
GivenLevel given_level(const std::string& q, const std::string& q_skeleton,
                       const names::GivenName& p, LazySkeleton& p_skeleton,
                       const std::vector<std::string>& middle) {
  if (q.empty() || p.first.empty()) return GivenLevel::kMissing;
  if (q == p.first) return GivenLevel::kExact;
  const auto& v = names::Variants::builtin();
  if (q.size() == 1 || p.first.size() == 1) {
    if (q[0] == p.first[0]) return GivenLevel::kInitial;
    for (const auto& m : middle)
      if (!m.empty() && m[0] == q[0] && q.size() == 1) return GivenLevel::kInitial;
    return GivenLevel::kDiffers;
  }
  if (v.related(q, p.first) || short_form(q, p.first) || q_skeleton == p_skeleton.get())
    return GivenLevel::kVariant;
  if (given_typo(q, p.first)) return GivenLevel::kFuzzy;
  if (std::min(q.size(), p.first.size()) >= 6 && edit_distance(q, p.first, 2) == 2)
    return GivenLevel::kTwoEdits;
  auto middle_like = [&](const std::string& m) {
    return m.size() > 1 && (m == q || v.related(q, m));
  };
  for (const auto& m : middle)
    if (middle_like(m)) return GivenLevel::kMiddle;
  for (const auto& m : p.others)
    if (middle_like(m)) return GivenLevel::kMiddle;
  return GivenLevel::kDiffers;
}

SurnameLevel surname_level(const names::Surname& q, const names::Surname& p) {
  if (q.full.empty() || p.full.empty()) return SurnameLevel::kMissing;
  if (q.full == p.full) return SurnameLevel::kExact;
  if (q.parts.size() > 1 || p.parts.size() > 1) {
    for (const auto& a : q.parts)
      for (const auto& b : p.parts)
        if (a == b && a.size() > 1) return SurnameLevel::kPart;
  }
  if (surname_typo(q.full, p.full)) return SurnameLevel::kFuzzy;
  if (q.parts.size() > 1 || p.parts.size() > 1) {
    for (const auto& a : q.parts)
      for (const auto& b : p.parts)
        if (a.size() >= 4 && b.size() >= 4 && edits_upto_one(a, b) <= 1)
          return SurnameLevel::kFuzzy;
  }
  return SurnameLevel::kDiffers;
}

DobLevel dob_level(const Date& q, const Date& p, bool q_valid) {
  if (q == p) return DobLevel::kExact;
  if (q.year == p.year && q.day == p.month && q.month == p.day) return DobLevel::kSwapped;
  // ymd() of each, written into buffers: this runs for most candidates.
  DigitsYmd qa(q), pa(p);
  std::string_view a = qa.view(), b = pa.view();
  if (a.size() == b.size()) {
    int diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff += a[i] != b[i];
    if (diff == 1) return DobLevel::kDigit;
    if (edits_upto_one(a, b) == 1) return DobLevel::kDigit;  // two adjacent digits transposed
  }
  if (q.year == p.year && q.month == p.month) return DobLevel::kNear;
  if (q_valid && std::abs(q.days() - p.days()) <= 366) return DobLevel::kNear;
  if (q.month == p.month && q.day == p.day && std::abs(q.year - p.year) == 1)
    return DobLevel::kNear;
  return DobLevel::kDiffers;
}

PostcodeLevel postcode_level(const std::string& q, const std::string& p) {
  if (q == p) return PostcodeLevel::kExact;
  if (edits_upto_one(q, p) <= 1) return PostcodeLevel::kNear;
  if (q.size() < 5 || p.size() < 5) return PostcodeLevel::kDiffers;
  std::string_view qo(q.data(), q.size() - 3), po(p.data(), p.size() - 3);
  if (qo == po)
    return q[q.size() - 3] == p[p.size() - 3] ? PostcodeLevel::kSector : PostcodeLevel::kDistrict;
  return PostcodeLevel::kDiffers;
}

HouseLevel house_level(const House& q, const House& p) {
  if (q.empty() || p.empty()) return HouseLevel::kMissing;
  if (q.number.empty() != p.number.empty()) return HouseLevel::kDiffers;
  if (q.number.empty()) return q.name == p.name ? HouseLevel::kExact : HouseLevel::kDiffers;
  if (q.number != p.number) return HouseLevel::kDiffers;
  if (q.letter == p.letter && q.flat == p.flat) return HouseLevel::kExact;
  return HouseLevel::kNumber;
}

// Term-frequency weight of agreeing on a name: log2(m/u) with u the share of
// the cohort with the name, clamped so a name unknown to the cohort (or a
// tiny cohort) does not dominate.
double tf_bits(double tf, double lo, double hi) {
  if (tf <= 0) return hi;
  return std::clamp(std::log2(0.95 / tf), lo, hi);
}

double given_bits(GivenLevel l, double tf) {
  double exact = tf_bits(tf, 3.0, 11.0);
  switch (l) {
    case GivenLevel::kSplit:
      return std::max(3.0, exact - 2.0);
    case GivenLevel::kTwoEdits:
      return 1.0;
    case GivenLevel::kExact:
      return exact;
    case GivenLevel::kVariant:
      return std::max(3.0, exact - 2.0);
    case GivenLevel::kFuzzy:
      return std::max(3.0, exact - 2.5);
    case GivenLevel::kMiddle:
      return 3.0;
    case GivenLevel::kInitial:
      return 1.0;
    case GivenLevel::kSwapped:
      return exact - 1.0;
    case GivenLevel::kDiffers:
      return -20.0;
    case GivenLevel::kMissing:
      return 0.0;
  }
  return 0.0;
}

double surname_bits(SurnameLevel l, double tf) {
  double exact = tf_bits(tf, 3.0, 13.0);
  switch (l) {
    case SurnameLevel::kExact:
      return exact;
    case SurnameLevel::kPart:
      return std::max(3.0, exact - 2.0);
    case SurnameLevel::kFuzzy:
      return std::max(3.0, exact - 2.5);
    case SurnameLevel::kSwapped:
      return exact - 1.0;
    case SurnameLevel::kDiffers:
      return -4.0;  // names change: marriage, adoption
    case SurnameLevel::kMissing:
      return 0.0;
  }
  return 0.0;
}

double dob_bits(DobLevel l) {
  switch (l) {
    case DobLevel::kExact:
      return 14.0;
    case DobLevel::kSwapped:
      return 10.0;
    case DobLevel::kDigit:
      return 10.0;
    case DobLevel::kNear:
      return -1.5;  // a year out: as often a namesake as the same person
    case DobLevel::kDiffers:
      return -14.0;  // parents, children and siblings
    case DobLevel::kInvalid:
    case DobLevel::kMissing:
      return 0.0;
  }
  return 0.0;
}

double postcode_bits(PostcodeLevel l) {
  switch (l) {
    case PostcodeLevel::kExact:
      return 7.0;
    case PostcodeLevel::kNear:
      return 5.0;
    case PostcodeLevel::kSector:
      return 3.0;
    case PostcodeLevel::kDistrict:
      return 1.0;
    case PostcodeLevel::kDiffers:
      return -1.0;  // families move
    case PostcodeLevel::kInvalid:
    case PostcodeLevel::kMissing:
      return 0.0;
  }
  return 0.0;
}

double house_bits(HouseLevel l) {
  switch (l) {
    case HouseLevel::kExact:
      return 2.0;
    case HouseLevel::kNumber:
      return 1.0;
    case HouseLevel::kDiffers:
      return -2.0;
    case HouseLevel::kMissing:
      return 0.0;
  }
  return 0.0;
}

bool good_given(GivenLevel l) {
  return l == GivenLevel::kExact || l == GivenLevel::kVariant || l == GivenLevel::kFuzzy ||
         l == GivenLevel::kSwapped || l == GivenLevel::kSplit;
}
bool good_surname(SurnameLevel l) {
  return l == SurnameLevel::kExact || l == SurnameLevel::kPart || l == SurnameLevel::kFuzzy ||
         l == SurnameLevel::kSwapped;
}

// A given name split by a space or run together: LY DIA and LYDIA, MARY
// JANE and MARYJANE. Q_JOINED is Q's given-name words run together.
bool split_given(const std::string& q_joined, const Norm& q, const Norm& p) {
  std::string p_joined = p.given.first;
  for (const auto& o : p.given.others) p_joined += o;
  if (q_joined.size() < 4) return false;
  return q_joined == p.given.first || q.given.first == p_joined || q_joined == p_joined;
}

// A name's weight under W: a learned exact level is adjusted for the name's
// frequency TF (log2 of m over the share of the cohort with the name), as
// Splink's term-frequency adjustment does.
double name_bits(const Weights& w, Field f, int level, double tf) {
  if (!w.trained) return builtin_bits(f, level, tf);
  if (level == 0 && tf > 0) {
    const double m = w.m[static_cast<size_t>(f)][0];
    return std::clamp(std::log2(m / tf), 3.0, kMaxBits);
  }
  return w.at(f, level);
}
double level_bits(const Weights& w, Field f, int level) {
  return w.trained ? w.at(f, level) : builtin_bits(f, level);
}

}  // namespace

double probability(double bits, double people) {
  const double log_odds = bits - std::log2(std::max(people, 1.0));
  return 1.0 / (1.0 + std::exp2(-log_odds));
}

double band_score(Band b, double p, const Weights& w) {
  if (b == Band::kPossible) return std::clamp(p, w.possible, w.strong - 0.0001);
  if (b == Band::kNone) return std::min(p, w.possible);
  return std::max(p, w.strong);
}

double builtin_bits(Field f, int level, double tf) {
  switch (f) {
    case Field::kGiven:
      return given_bits(static_cast<GivenLevel>(level), tf);
    case Field::kSurname:
      return surname_bits(static_cast<SurnameLevel>(level), tf);
    case Field::kDob:
      return dob_bits(static_cast<DobLevel>(level));
    case Field::kPostcode:
      return postcode_bits(static_cast<PostcodeLevel>(level));
    case Field::kHouse:
      return house_bits(static_cast<HouseLevel>(level));
    case Field::kSex:
      return level == 0 ? 0.5 : level == 1 ? -6.0 : 0.0;
  }
  return 0.0;
}

char sex_form(std::string_view a, std::string_view b) {
  // A masculine ending and a feminine one that leave the same stem.
  static constexpr std::string_view kMale[] = {"", "IAN", "US", "O", "IO", "IS", "E", "EL"};
  static constexpr std::string_view kFemale[] = {"A",  "E",    "INE", "INA", "IA",   "ELLE",
                                                 "LE", "ETTE", "ENE", "ES",  "ETTA", "ISE"};
  auto ends = [](std::string_view s, std::string_view e) {
    return s.size() >= e.size() && s.substr(s.size() - e.size()) == e;
  };
  auto masculine_of = [&](std::string_view m, std::string_view f) {
    if (m.size() < 4 || m == f) return false;
    for (auto me : kMale) {
      if (!ends(m, me)) continue;
      std::string_view stem = m.substr(0, m.size() - me.size());
      // Anne and Anna, Marie and Maria, Sophie and Sophia are all women's
      // names: a masculine E follows a consonant (George, Eugene).
      if (stem.size() < 3) continue;
      if (me == "E" && (stem.size() < 5 || std::strchr("AEIOUY", stem.back()))) continue;
      for (auto fe : kFemale) {
        // Joann and Joanne, Yvon and Yvonne: a final E after N is spelling.
        if (fe == "E" && stem.back() == 'N') continue;
        if (ends(f, fe) && f.substr(0, f.size() - fe.size()) == stem) return true;
      }
    }
    return false;
  };
  const bool am = masculine_of(a, b), bm = masculine_of(b, a);
  if (am == bm) return 0;
  return am ? 'M' : 'F';
}

QueryParts::QueryParts(const Norm& query) : q(query) {
  given_as_surname.full = q.given.first;
  for (const auto& o : q.given.others) given_as_surname.full += o;
  given_as_surname.parts = {given_as_surname.full};
  surname_first = q.surname.parts.empty() ? "" : q.surname.parts.front();
  given_skeleton = skeleton(q.given.first);
  given_joined = q.given.first;
  for (const auto& o : q.given.others) given_joined += o;
  surname_first_skeleton = skeleton(surname_first);
  surname_skeleton = skeleton(q.surname.full);
}

namespace {

void one_value_differs(Comparison& c) {
  // One whole value differs and everything else agrees, the address
  // included: a person should look (possible, never strong). The given name:
  // a twin, or the same person under another name; the date of birth: a
  // namesake parent or child, or a wrong date.
  // A postcode or a surname one character out (a typo) still counts as
  // agreeing here: the answer is for a person to review either way.
  const bool same_home =
      (c.why.postcode == PostcodeLevel::kExact || c.why.postcode == PostcodeLevel::kNear) &&
      c.why.house == HouseLevel::kExact;
  if (same_home &&
      (c.why.surname == SurnameLevel::kExact || c.why.surname == SurnameLevel::kFuzzy)) {
    if (c.why.given_name == GivenLevel::kDiffers && c.why.dob == DobLevel::kExact &&
        c.why.sex != SexLevel::kDiffers) {
      c.why.twin_or_alias = true;
      c.given_differs = false;
    } else if ((c.why.given_name == GivenLevel::kExact ||
                c.why.given_name == GivenLevel::kVariant) &&
               (c.why.dob == DobLevel::kDiffers || c.why.dob == DobLevel::kNear)) {
      c.why.namesake = true;
    }
    if (c.why.twin_or_alias || c.why.namesake) {
      c.review = true;
      c.could_be_same = c.strong_eligible = false;
    }
  }
}

// A date of birth a digit out, of someone who lives elsewhere, is as often
// a namesake as the same person: it counts as a date near, not as the typo
// it may be (a common name has many namesakes born a digit apart).
void digit_elsewhere(Comparison& c, const Weights& w, bool q_dob_valid) {
  if (c.dob_as != DobLevel::kDigit || c.postcode_as != PostcodeLevel::kDiffers) return;
  const double b = level_bits(w, Field::kDob, static_cast<int>(DobLevel::kNear)) -
                   level_bits(w, Field::kDob, static_cast<int>(DobLevel::kDigit));
  c.bits += q_dob_valid ? b : b / 2.0;
}

}  // namespace

Comparison compare(const Norm& q, const Norm& p, double given_tf, double surname_tf,
                   const Weights& w) {
  return compare(QueryParts(q), p, given_tf, surname_tf, w);
}

Comparison compare(const QueryParts& qp, const Norm& p, double given_tf, double surname_tf,
                   const Weights& w) {
  const Norm& q = qp.q;
  Comparison c;
  LazySkeleton p_skeleton(p.given.first);
  // Names as written, and reversed.
  GivenLevel g = given_level(q.given.first, qp.given_skeleton, p.given, p_skeleton, p.middle);
  if (g != GivenLevel::kExact && g != GivenLevel::kVariant && g != GivenLevel::kMissing &&
      (!q.given.others.empty() || !p.given.others.empty()) && split_given(qp.given_joined, q, p))
    g = GivenLevel::kSplit;
  SurnameLevel s = surname_level(q.surname, p.surname);
  bool straight_good = good_given(g) && good_surname(s);
  if (!straight_good && !q.given.first.empty() && !q.surname.full.empty()) {
    const names::Surname& qs_as_surname =
        qp.given_as_surname;  // the query's given name, as a surname
    const std::string& q_surname_first = qp.surname_first;
    GivenLevel g2 =
        given_level(q_surname_first, qp.surname_first_skeleton, p.given, p_skeleton, {});
    if (g2 != GivenLevel::kExact && q.surname.full != q_surname_first) {
      GivenLevel g3 = given_level(q.surname.full, qp.surname_skeleton, p.given, p_skeleton, {});
      if (g3 == GivenLevel::kExact) g2 = g3;
    }
    SurnameLevel s2 = surname_level(qs_as_surname, p.surname);
    if (good_given(g2) && good_surname(s2)) {
      c.why.given_name = GivenLevel::kSwapped;
      c.why.surname = SurnameLevel::kSwapped;
      // Reversed names weigh as much as the levels they reached, less a bit.
      c.bits += w.trained ? w.at(Field::kGiven, static_cast<int>(GivenLevel::kSwapped)) +
                                w.at(Field::kSurname, static_cast<int>(SurnameLevel::kSwapped))
                          : given_bits(g2, given_tf) + surname_bits(s2, surname_tf) - 2.0;
      g = GivenLevel::kSwapped;
      s = SurnameLevel::kSwapped;
    }
  }
  if (g != GivenLevel::kSwapped) {
    c.why.given_name = g;
    c.why.surname = s;
    c.bits += name_bits(w, Field::kGiven, static_cast<int>(g), given_tf) +
              name_bits(w, Field::kSurname, static_cast<int>(s), surname_tf);
  }
  // Names that are the male and female forms of one name (Paul, Paula).
  // They count when the sexes do not say otherwise: without a sex given, as
  // a variant never strong; with one, only when it is the person's.
  if (c.why.given_name == GivenLevel::kVariant || c.why.given_name == GivenLevel::kFuzzy) {
    if (const char form = sex_form(q.given.first, p.given.first)) {
      const char p_form = form == 'M' ? 'F' : 'M';
      const char p_sex = p.sex ? p.sex : p_form;
      if (q.sex && q.sex != p_sex) {
        c.bits += name_bits(w, Field::kGiven, static_cast<int>(GivenLevel::kDiffers), given_tf) -
                  name_bits(w, Field::kGiven, static_cast<int>(c.why.given_name), given_tf);
        c.why.given_name = GivenLevel::kDiffers;
      } else if (!q.sex && p_sex != form) {
        c.why.other_sex_form = true;
      }
    }
  }
  c.given_differs = c.why.given_name == GivenLevel::kDiffers;
  if (q.sex && p.sex) {
    c.why.sex = q.sex == p.sex ? SexLevel::kSame : SexLevel::kDiffers;
    c.bits += level_bits(w, Field::kSex, static_cast<int>(c.why.sex));
  }

  // Date of birth.
  if (!q.dob) {
    c.why.dob = q.dob_text.empty() ? DobLevel::kMissing : DobLevel::kInvalid;
    c.dob_as = c.why.dob;
  } else if (!p.dob) {
    c.why.dob = c.dob_as = DobLevel::kMissing;
  } else {
    c.dob_as = dob_level(*q.dob, *p.dob, q.dob_valid);
    c.why.dob = q.dob_valid ? c.dob_as : DobLevel::kInvalid;
    double b = level_bits(w, Field::kDob, static_cast<int>(c.dob_as));
    // An impossible date is weaker evidence than a real one.
    c.bits += q.dob_valid ? b : (b > 0 ? b - 1.0 : b / 2.0);
  }

  // Postcode and house.
  if (q.postcode.empty() || p.postcode.empty()) {
    c.why.postcode = c.postcode_as = PostcodeLevel::kMissing;
  } else {
    c.postcode_as = postcode_level(q.postcode, p.postcode);
    c.why.postcode = q.postcode_valid ? c.postcode_as : PostcodeLevel::kInvalid;
    double b = level_bits(w, Field::kPostcode, static_cast<int>(c.postcode_as));
    c.bits += q.postcode_valid ? b : (b > 0 ? b - 1.0 : 0.0);
  }
  c.why.house = house_level(q.house, p.house);
  digit_elsewhere(c, w, q.dob_valid);
  // A house number only means something in the same postcode.
  if (c.postcode_as == PostcodeLevel::kExact || c.postcode_as == PostcodeLevel::kNear)
    c.bits += level_bits(w, Field::kHouse, static_cast<int>(c.why.house));

  bool good_dob = c.dob_as == DobLevel::kExact || c.dob_as == DobLevel::kSwapped ||
                  c.dob_as == DobLevel::kDigit;
  c.could_be_same = good_given(c.why.given_name) && good_surname(c.why.surname) && good_dob &&
                    !c.why.other_sex_form && c.why.sex != SexLevel::kDiffers;
  // A date of birth that is only close needs the address to agree at least
  // to the sector and the names to agree closely: in a large cohort another
  // child shares a common name and a birthday a digit away.
  bool near_address = c.postcode_as == PostcodeLevel::kExact ||
                      c.postcode_as == PostcodeLevel::kNear ||
                      c.postcode_as == PostcodeLevel::kSector;
  bool close_names =
      (c.why.given_name == GivenLevel::kExact || c.why.given_name == GivenLevel::kVariant) &&
      (c.why.surname == SurnameLevel::kExact || c.why.surname == SurnameLevel::kPart);
  c.strong_eligible =
      c.could_be_same && (c.dob_as == DobLevel::kExact || (near_address && close_names));
  one_value_differs(c);
  auto pc_equal =
      (c.why.postcode == PostcodeLevel::kExact) || (q.postcode.empty() && p.postcode.empty());
  auto house_equal = c.why.house == HouseLevel::kExact || (q.house.empty() && p.house.empty());
  c.exact = c.why.given_name == GivenLevel::kExact && c.why.surname == SurnameLevel::kExact &&
            c.why.dob == DobLevel::kExact && pc_equal && house_equal;
  return c;
}

}  // namespace sfcohort::match

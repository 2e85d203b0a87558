// `sfcohort-gen queries`: lookup queries as partner agencies send them.
//
// The cohort is read once into a compact arena (about 110 bytes a person).
// Each query takes a cohort person eligible for its perturbations, applies
// them, and is rejected if the result happens to be exactly another cohort
// person (so the recorded truth is never wrong by accident).
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "gen.hpp"

namespace gen {

namespace {

enum Field {
  kFam,
  kPid,
  kGiven,
  kMiddle,
  kSurname,
  kSex,
  kDob,
  kPostcode,
  kHouse,
  kAddress,
  kJoined,
  kFields
};

enum Flag : uint32_t {
  kAny = 0,
  kNick,
  kSpell,
  kPunct,
  kSwap,
  kMiddleName,
  kTwin,
  kAddr,
  kHouseF,
  kTypoG,
  kTypoS,
  kFlags
};

enum class Op {
  kExact,
  kCaseFormat,
  kNickname,
  kSpellingVariant,
  kTypoGiven,
  kTypoSurname,
  kSurnamePunct,
  kDobSwap,
  kDobDigit,
  kPostcodeChar,
  kNamesReversed,
  kMoved,
  kNoAddress,
  kInitialOnly,
  kMiddleAsFirst,
  kSurnameChanged,
  kHouseFormat,
  kTwin,
  kNotInCohort,
  // The FEBRL-style noise model (--mix febrl).
  kTyposEveryField,
  kSpaceInserted,
  kTokensJoined,
  kValueMissing,
  kGivenReplaced,
  kPostcodeTransposed,
  kGivenTwoEdits,
  kDobOther,
};

struct OpInfo {
  Op op;
  const char* label;
  Flag needs;
};

constexpr OpInfo kOps[] = {
    {Op::kExact, "exact", kAny},
    {Op::kCaseFormat, "case_format", kAny},
    {Op::kNickname, "nickname", kNick},
    {Op::kSpellingVariant, "spelling_variant", kSpell},
    {Op::kTypoGiven, "typo_given", kTypoG},
    {Op::kTypoSurname, "typo_surname", kTypoS},
    {Op::kSurnamePunct, "surname_punct", kPunct},
    {Op::kDobSwap, "dob_swap", kSwap},
    {Op::kDobDigit, "dob_digit", kAny},
    {Op::kPostcodeChar, "postcode_char", kAddr},
    {Op::kNamesReversed, "names_reversed", kAny},
    {Op::kMoved, "moved", kAny},
    {Op::kNoAddress, "no_address", kAddr},
    {Op::kInitialOnly, "initial_only", kAny},
    {Op::kMiddleAsFirst, "middle_as_first", kMiddleName},
    {Op::kSurnameChanged, "surname_changed", kAny},
    {Op::kHouseFormat, "house_format", kHouseF},
    {Op::kTwin, "twin", kTwin},
    {Op::kNotInCohort, "not_in_cohort", kAny},
    {Op::kTyposEveryField, "typos_every_field", kAny},
    {Op::kSpaceInserted, "space_inserted", kAny},
    {Op::kTokensJoined, "tokens_joined", kAny},
    {Op::kValueMissing, "value_missing", kAny},
    {Op::kGivenReplaced, "given_replaced", kAny},
    {Op::kPostcodeTransposed, "postcode_transposed", kAddr},
    {Op::kGivenTwoEdits, "given_two_edits", kAny},
    {Op::kDobOther, "dob_other", kAny},
};

const OpInfo& info(Op op) { return kOps[static_cast<int>(op)]; }

struct Recipe {
  std::vector<Op> ops;
  std::string label;
};

Op op_by_label(std::string_view s) {
  for (const auto& i : kOps)
    if (s == i.label) return i.op;
  std::fprintf(stderr, "internal: unknown op %.*s\n", static_cast<int>(s.size()), s.data());
  std::abort();
}

Recipe recipe(std::string_view label) {
  Recipe r;
  r.label = label;
  size_t i = 0;
  while (i <= label.size()) {
    size_t j = label.find('+', i);
    if (j == std::string_view::npos) j = label.size();
    r.ops.push_back(op_by_label(label.substr(i, j - i)));
    i = j + 1;
  }
  return r;
}

// Two perturbations that partner records really combine.
constexpr const char* kDoubles[] = {
    "nickname+moved",
    "nickname+typo_surname",
    "spelling_variant+no_address",
    "spelling_variant+dob_swap",
    "typo_given+dob_digit",
    "typo_surname+moved",
    "case_format+typo_given",
    "case_format+nickname",
    "surname_changed+moved",
    "surname_changed+nickname",
    "initial_only+moved",
    "initial_only+dob_swap",
    "dob_swap+moved",
    "dob_digit+no_address",
    "names_reversed+case_format",
    "middle_as_first+moved",
    "surname_punct+case_format",
    "postcode_char+typo_given",
    "house_format+nickname",
    "twin+case_format",
    "twin+dob_swap",
    "twin+no_address",
    "middle_as_first+surname_changed",
    "typo_surname+dob_digit",
};

// FEBRL-style doubles: typos on top of the other kinds of noise.
constexpr const char* kFebrlDoubles[] = {
    "typo_given+postcode_transposed",  "space_inserted+typo_surname",
    "given_two_edits+value_missing",   "typo_surname+dob_digit",
    "typos_every_field+value_missing", "tokens_joined+typo_given",
};

struct Mix {
  std::vector<Recipe> recipes;
  Weighted dist;
};

Mix make_mix(const std::string& name) {
  std::vector<std::pair<std::string, uint64_t>> w;
  uint64_t doubles = 0;
  if (name == "single") {
    for (const char* l : {"exact", "case_format", "nickname", "spelling_variant", "typo_given",
                          "typo_surname", "dob_swap", "dob_digit", "postcode_char",
                          "names_reversed", "moved", "no_address", "surname_punct", "house_format"})
      w.emplace_back(l, 100);
  } else if (name == "hard") {
    w = {{"twin", 150},
         {"initial_only", 110},
         {"surname_changed", 110},
         {"not_in_cohort", 150},
         {"middle_as_first", 50},
         {"names_reversed", 30},
         {"dob_swap", 30},
         {"dob_digit", 30},
         {"nickname", 20},
         {"typo_given", 10},
         {"moved", 10}};
    doubles = 300;
  } else if (name == "febrl") {
    // A different noise model from ours, after the FEBRL generator: typos in
    // every field, names split or joined, values missing or replaced,
    // postcode characters transposed, a different date of birth.
    w = {{"exact", 120},
         {"typos_every_field", 150},
         {"space_inserted", 70},
         {"tokens_joined", 30},
         {"value_missing", 80},
         {"given_replaced", 50},
         {"postcode_transposed", 60},
         {"given_two_edits", 70},
         {"dob_other", 50},
         {"typo_given", 60},
         {"typo_surname", 60},
         {"dob_digit", 30},
         {"not_in_cohort", 150}};
  } else {
    w = {{"exact", 300},           {"case_format", 110},  {"nickname", 45},
         {"spelling_variant", 40}, {"typo_given", 30},    {"typo_surname", 30},
         {"surname_punct", 12},    {"dob_swap", 18},      {"dob_digit", 20},
         {"postcode_char", 15},    {"names_reversed", 8}, {"moved", 60},
         {"no_address", 30},       {"initial_only", 15},  {"middle_as_first", 10},
         {"surname_changed", 20},  {"house_format", 20},  {"twin", 12},
         {"not_in_cohort", 150}};
    doubles = 55;
  }
  Mix m;
  std::vector<uint64_t> weights;
  for (auto& [l, x] : w) {
    m.recipes.push_back(recipe(l));
    weights.push_back(x * 1000);
  }
  const size_t nd = sizeof kDoubles / sizeof kDoubles[0];
  if (doubles)
    for (const char* l : kDoubles) {
      m.recipes.push_back(recipe(l));
      weights.push_back(doubles * 1000 / nd);
    }
  if (name == "febrl")
    for (const char* l : kFebrlDoubles) {
      m.recipes.push_back(recipe(l));
      weights.push_back(20 * 1000);
    }
  m.dist = Weighted(weights);
  return m;
}

// ------------------------------------------------------------------ cohort
struct Rec {
  uint64_t off;
  std::array<uint16_t, kFields> len;
  int32_t dob;
  uint32_t flags;
};

class Cohort {
 public:
  std::string_view get(size_t i, Field f) const {
    const Rec& r = recs[i];
    uint64_t o = r.off;
    for (int k = 0; k < f; ++k) o += r.len[k];
    return std::string_view(arena.data() + o, r.len[f]);
  }
  std::string str(size_t i, Field f) const { return std::string(get(i, f)); }
  bool has(size_t i, Flag f) const { return (recs[i].flags >> f) & 1; }

  std::string arena;
  std::vector<Rec> recs;
  std::vector<uint64_t> name_dob, surname_dob, given_dob;  // sorted keys
  std::array<std::vector<uint32_t>, kFlags> pools;
  int64_t max_joined = 0;
};

uint64_t key3(std::string_view a, std::string_view b, int64_t dob) {
  return hash_str(key_of(b),
                  hash_str(key_of(a)) ^ static_cast<uint64_t>(dob) * 0x9e3779b97f4a7c15ULL);
}
uint64_t key2(std::string_view a, int64_t dob, uint64_t salt) {
  return hash_str(key_of(a), salt ^ static_cast<uint64_t>(dob) * 0x9e3779b97f4a7c15ULL);
}
bool contains(const std::vector<uint64_t>& v, uint64_t k) {
  return std::binary_search(v.begin(), v.end(), k);
}

std::string norm_header(std::string_view h) {
  std::string s;
  for (char c : h) {
    if (c == ' ' || c == '_' || c == '-') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    s.push_back(c);
  }
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF) s = s.substr(3);  // BOM
  return s;
}

int column_for(const std::string& h) {
  static const std::pair<const char*, int> names[] = {
      {"familyid", kFam},       {"family", kFam},        {"personid", kPid},
      {"person", kPid},         {"givenname", kGiven},   {"forename", kGiven},
      {"firstname", kGiven},    {"given", kGiven},       {"middlenames", kMiddle},
      {"middlename", kMiddle},  {"surname", kSurname},   {"lastname", kSurname},
      {"familyname", kSurname}, {"sex", kSex},           {"dob", kDob},
      {"dateofbirth", kDob},    {"birthdate", kDob},     {"postcode", kPostcode},
      {"house", kHouse},        {"housenumber", kHouse}, {"houseno", kHouse},
      {"housename", kHouse},    {"number", kHouse},      {"address", kAddress},
      {"joinedon", kJoined}};
  for (auto& [n, c] : names)
    if (h == n) return c;
  return -1;
}

bool ascii_letters_at_least(std::string_view s, int n) {
  int k = 0;
  for (char c : s)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ++k;
  return k >= n;
}

bool is_sikh_title(std::string_view s) { return s == "Singh" || s == "Kaur"; }

std::vector<std::string> words(std::string_view s) { return split_list(s, ' '); }

bool punct_surname(std::string_view s) {
  if (s.find_first_of("'- ") != std::string_view::npos) return true;
  if (s.size() > 3 && s.substr(0, 2) == "Mc" && s[2] >= 'A' && s[2] <= 'Z') return true;
  if (s.size() > 4 && s.substr(0, 3) == "Mac" && s[3] >= 'A' && s[3] <= 'Z') return true;
  return false;
}

bool polish_feminine(std::string_view s) {
  return s.size() > 4 && (s.substr(s.size() - 3) == "ska" || s.substr(s.size() - 3) == "cka" ||
                          s.substr(s.size() - 3) == "zka");
}

int load_cohort(const std::string& path, Cohort& c) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    std::fprintf(stderr, "sfcohort-gen: error: %s: cannot read\n", path.c_str());
    return 3;
  }
  CsvIn in(f);
  std::vector<std::string> row;
  if (!in.next(row)) {
    std::fclose(f);
    std::fprintf(stderr, "sfcohort-gen: error: %s: empty file\n", path.c_str());
    return 2;
  }
  std::array<int, kFields> col;
  col.fill(-1);
  for (size_t i = 0; i < row.size(); ++i) {
    const int k = column_for(norm_header(row[i]));
    if (k >= 0 && col[k] < 0) col[k] = static_cast<int>(i);
  }
  for (int k : {kFam, kPid, kSurname, kDob})
    if (col[k] < 0) {
      std::fclose(f);
      std::fprintf(stderr,
                   "sfcohort-gen: error: %s: needs columns family_id, person_id, surname, dob\n",
                   path.c_str());
      return 2;
    }
  uint64_t line = 0;
  while (in.next(row)) {
    ++line;
    if (row.size() == 1 && row[0].empty()) continue;
    Rec r{};
    r.off = c.arena.size();
    for (int k = 0; k < kFields; ++k) {
      std::string_view v;
      if (col[k] >= 0 && static_cast<size_t>(col[k]) < row.size()) v = row[col[k]];
      if (v.size() > 60000) v = v.substr(0, 60000);
      c.arena.append(v);
      r.len[k] = static_cast<uint16_t>(v.size());
    }
    int64_t d;
    if (!parse_date(row[col[kDob]], d)) {
      std::fclose(f);
      std::fprintf(stderr, "sfcohort-gen: error: %s: row %llu: dob '%s' is not a date\n",
                   path.c_str(), static_cast<unsigned long long>(line), row[col[kDob]].c_str());
      return 2;
    }
    r.dob = static_cast<int32_t>(d);
    if (col[kJoined] >= 0 && parse_date(row[col[kJoined]], d))
      c.max_joined = std::max(c.max_joined, d);
    c.recs.push_back(r);
  }
  std::fclose(f);
  if (c.recs.empty()) {
    std::fprintf(stderr, "sfcohort-gen: error: %s: no people\n", path.c_str());
    return 2;
  }
  if (c.max_joined == 0) {
    for (const auto& r : c.recs) c.max_joined = std::max<int64_t>(c.max_joined, r.dob);
  }

  // Flags and keys.
  const size_t n = c.recs.size();
  c.name_dob.reserve(n);
  c.surname_dob.reserve(n);
  c.given_dob.reserve(n);
  std::vector<std::pair<uint64_t, uint32_t>> fam_dob(n);
  for (size_t i = 0; i < n; ++i) {
    const auto given = c.get(i, kGiven), surname = c.get(i, kSurname);
    const char sex = c.get(i, kSex).empty() ? 'U' : static_cast<char>(c.get(i, kSex)[0] & ~0x20);
    const int64_t dob = c.recs[i].dob;
    uint32_t fl = 1u << kAny;
    if (nicknames().has(given, sex)) fl |= 1u << kNick;
    if (given_spellings().has(given, sex) || surname_spellings().has(surname, 'U') ||
        polish_feminine(surname))
      fl |= 1u << kSpell;
    if (punct_surname(surname)) fl |= 1u << kPunct;
    const Ymd t = ymd_from_days(dob);
    if (t.d <= 12 && t.m <= 12 && t.d != t.m) fl |= 1u << kSwap;
    for (const auto& w : words(c.get(i, kMiddle)))
      if (!is_sikh_title(w)) fl |= 1u << kMiddleName;
    if (!c.get(i, kPostcode).empty()) fl |= 1u << kAddr;
    if (!c.get(i, kHouse).empty()) fl |= 1u << kHouseF;
    if (ascii_letters_at_least(given, 3)) fl |= 1u << kTypoG;
    if (ascii_letters_at_least(surname, 3)) fl |= 1u << kTypoS;
    c.recs[i].flags = fl;
    c.name_dob.push_back(key3(given, surname, dob));
    c.surname_dob.push_back(key2(surname, dob, 1));
    c.given_dob.push_back(key2(given, dob, 2));
    fam_dob[i] = {hash_str(c.get(i, kFam)) ^ static_cast<uint64_t>(dob) * 0x9e3779b97f4a7c15ULL,
                  static_cast<uint32_t>(i)};
  }
  // Twins: people of one family sharing a dob, told apart by given name.
  std::sort(fam_dob.begin(), fam_dob.end());
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && fam_dob[j].first == fam_dob[i].first) ++j;
    for (size_t a = i; a < j; ++a) {
      bool twin = false, clash = false;
      for (size_t b = i; b < j; ++b) {
        if (a == b) continue;
        const uint32_t x = fam_dob[a].second, y = fam_dob[b].second;
        if (c.get(x, kFam) != c.get(y, kFam)) continue;
        if (key_of(c.get(x, kGiven)) == key_of(c.get(y, kGiven)))
          clash = true;
        else
          twin = true;
      }
      if (twin && !clash) c.recs[fam_dob[a].second].flags |= 1u << kTwin;
    }
    i = j;
  }
  for (auto* v : {&c.name_dob, &c.surname_dob, &c.given_dob}) std::sort(v->begin(), v->end());
  for (size_t i = 0; i < n; ++i)
    for (uint32_t fl = 0; fl < kFlags; ++fl)
      if (c.has(i, static_cast<Flag>(fl))) c.pools[fl].push_back(static_cast<uint32_t>(i));
  return 0;
}

// ------------------------------------------------------------------ queries
struct Query {
  std::string given, surname, dob, postcode, house;
  bool operator==(const Query&) const = default;
};

class Maker {
 public:
  Maker(const Cohort& c, Rng& rng, bool hard) : c_(c), rng_(rng), hard_(hard) {}

  // Builds a query for the recipe; false if this cohort cannot supply one.
  bool build(const Recipe& r, Query& q, int64_t& person);

 private:
  bool apply(Op op, size_t i, Query& q);
  bool case_format(Query& q);
  bool typo(std::string& s);
  bool surname_punct(std::string& s);
  bool dob_digit(Query& q);
  bool postcode_char(std::string& pc);
  void new_address(Query& q, bool local);
  bool house_format(Query& q, size_t i);
  bool surname_changed(Query& q, size_t i);
  bool not_in_cohort(Query& q);
  bool apply_febrl(Op op, size_t i, Query& q);
  bool space_inserted(std::string& s);
  bool postcode_transposed(std::string& pc);
  bool dob_other(Query& q);
  std::string reformat_dob(const std::string& iso);

  const Cohort& c_;
  Rng& rng_;
  bool hard_;
};

std::string Maker::reformat_dob(const std::string& iso) {
  int64_t d;
  if (!parse_date(iso, d)) return iso;
  const Ymd t = ymd_from_days(d);
  char b[32];
  const unsigned r = static_cast<unsigned>(rng_.below(100));
  if (r < 48)
    std::snprintf(b, sizeof b, "%02d/%02d/%04d", t.d, t.m, t.y);
  else if (r < 63)
    std::snprintf(b, sizeof b, "%d/%d/%04d", t.d, t.m, t.y);
  else if (r < 75)
    std::snprintf(b, sizeof b, "%02d-%02d-%04d", t.d, t.m, t.y);
  else if (r < 95)
    std::snprintf(b, sizeof b, "%02d.%02d.%04d", t.d, t.m, t.y);
  else
    std::snprintf(b, sizeof b, "%d.%d.%04d", t.d, t.m, t.y);
  return b;
}

bool Maker::case_format(Query& q) {
  const Query orig = q;
  for (int t = 0; t < 12 && q == orig; ++t) {
    q = orig;
    unsigned r = static_cast<unsigned>(rng_.below(1000));
    if (r < 300) {
      q.given = to_upper(q.given);
      q.surname = to_upper(q.surname);
    } else if (r < 450) {
      q.given = to_lower(q.given);
      q.surname = to_lower(q.surname);
    } else if (r < 560) {
      q.surname = to_upper(q.surname);
    }
    if (!q.postcode.empty()) {
      r = static_cast<unsigned>(rng_.below(1000));
      std::string nospace;
      for (char ch : q.postcode)
        if (ch != ' ') nospace.push_back(ch);
      if (r < 300)
        q.postcode = nospace;
      else if (r < 450)
        q.postcode = to_lower(q.postcode);
      else if (r < 550)
        q.postcode = to_lower(nospace);
    }
    if (rng_.chance(450)) q.dob = reformat_dob(q.dob);
    if (has_non_ascii(q.given + q.surname) && rng_.chance(600)) {
      q.given = fold_accents(q.given);
      q.surname = fold_accents(q.surname);
    }
    if (rng_.chance(40)) q.surname += ' ';
    if (rng_.chance(30)) q.given = ' ' + q.given;
  }
  return !(q == orig);
}

namespace kb {
// QWERTY neighbours, for substitutions a typist makes.
const char* neighbours(char c) {
  static const char* k[26] = {"qwsz",   "vghn", "xdfv",   "serfcx", "wsdr",   "drtgvc", "ftyhbv",
                              "gyujnb", "ujko", "huikmn", "jiolm",  "kop",    "njk",    "bhjm",
                              "iklp",   "ol",   "wa",     "edft",   "awedxz", "rfgy",   "yhji",
                              "cfgb",   "qase", "zsdc",   "tghu",   "asx"};
  return k[c - 'a'];
}
}  // namespace kb

bool Maker::typo(std::string& s) {
  std::vector<size_t> pos;
  for (size_t i = 0; i < s.size(); ++i)
    if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')) pos.push_back(i);
  if (pos.size() < 3) return false;
  const std::string orig = s;
  for (int t = 0; t < 20 && s == orig; ++t) {
    s = orig;
    // Typos rarely hit the first letter.
    const size_t p = pos[1 + rng_.below(pos.size() - 1)];
    const bool upper = s[p] >= 'A' && s[p] <= 'Z';
    auto with_case = [&](char ch) { return upper ? static_cast<char>(ch - 32) : ch; };
    const char low = static_cast<char>(s[p] | 0x20);
    switch (rng_.below(4)) {
      case 0: {  // insertion: a doubled letter or a neighbouring key
        const char* nb = kb::neighbours(low);
        const char ins = rng_.chance(500) ? s[p] : with_case(nb[rng_.below(std::strlen(nb))]);
        s.insert(s.begin() + static_cast<long>(p), ins);
        break;
      }
      case 1:  // deletion
        s.erase(p, 1);
        break;
      case 2: {  // substitution
        const char* nb = kb::neighbours(low);
        s[p] = with_case(nb[rng_.below(std::strlen(nb))]);
        break;
      }
      default: {  // transposition with the previous letter
        const size_t prev = p - 1;
        if (prev < s.size() && ((s[prev] | 0x20) >= 'a' && (s[prev] | 0x20) <= 'z') &&
            prev != pos[0])
          std::swap(s[prev], s[p]);
        break;
      }
    }
  }
  return s != orig;
}

bool Maker::surname_punct(std::string& s) {
  std::vector<std::string> opts;
  const auto ap = s.find('\'');
  if (ap != std::string::npos) {
    opts.push_back(s.substr(0, ap) + s.substr(ap + 1));
    opts.push_back(s.substr(0, ap) + " " + s.substr(ap + 1));
    if (ap + 1 < s.size()) opts.push_back(s.substr(0, ap + 1) + to_lower(s.substr(ap + 1)));
  }
  if (s.size() > 3 && s.compare(0, 2, "Mc") == 0 && s[2] >= 'A' && s[2] <= 'Z') {
    opts.push_back("Mac" + s.substr(2));
    opts.push_back("Mc " + s.substr(2));
    opts.push_back("Mc" + to_lower(s.substr(2)));
  } else if (s.size() > 4 && s.compare(0, 3, "Mac") == 0 && s[3] >= 'A' && s[3] <= 'Z') {
    opts.push_back("Mc" + s.substr(3));
    opts.push_back("Mac " + s.substr(3));
  }
  const auto hy = s.find('-');
  if (hy != std::string::npos) {
    const std::string a = s.substr(0, hy), b = s.substr(hy + 1);
    opts.push_back(a + " " + b);
    opts.push_back(b);
    opts.push_back(a);
    opts.push_back(a + b);
  }
  const auto sp = s.find(' ');
  if (sp != std::string::npos && hy == std::string::npos) {
    std::string h = s;
    h[sp] = '-';
    opts.push_back(h);
    opts.push_back(s.substr(0, sp) + s.substr(sp + 1));
  }
  if (opts.empty()) return false;
  s = opts[rng_.below(opts.size())];
  return true;
}

bool Maker::dob_digit(Query& q) {
  int64_t d;
  if (!parse_date(q.dob, d)) return false;
  const std::string orig = iso_date(d);
  static const int positions[] = {2, 3, 3, 5, 6, 6, 8, 9, 9};
  for (int t = 0; t < 40; ++t) {
    std::string s = orig;
    const int p = positions[rng_.below(9)];
    const char nd = static_cast<char>('0' + rng_.below(10));
    if (nd == s[p]) continue;
    s[p] = nd;
    int64_t nd_days;
    if (!parse_date(s, nd_days)) continue;
    if (nd_days > c_.max_joined || nd_days < days_from_ymd(1920, 1, 1)) continue;
    q.dob = s;
    return true;
  }
  return false;
}

bool Maker::postcode_char(std::string& pc) {
  if (pc.empty()) return false;
  const std::string orig = pc;
  for (int t = 0; t < 40; ++t) {
    std::string s = orig;
    std::vector<size_t> pos;
    for (size_t k = 0; k < s.size(); ++k)
      if (s[k] != ' ') pos.push_back(k);
    // The area letters (HD, WF) are rarely mistyped: weight them down.
    size_t p = pos[rng_.below(pos.size())];
    if (s[p] >= 'A' && s[p] <= 'Z' && p < 2 && rng_.chance(800)) continue;
    const bool inward = p + 3 >= s.size();
    if (s[p] >= '0' && s[p] <= '9') {
      s[p] = static_cast<char>('0' + rng_.below(10));
    } else if (inward) {
      s[p] = kInwardLetters[rng_.below(kInwardLetters.size())];
    } else {
      s[p] = static_cast<char>('A' + rng_.below(26));
    }
    if (s != orig && valid_postcode(s)) {
      pc = s;
      return true;
    }
  }
  return false;
}

void Maker::new_address(Query& q, bool local) {
  size_t d = district_dist().pick(rng_);
  if (local)
    for (size_t k = 0; k < districts().size(); ++k)
      if (q.postcode.compare(0, districts()[k].outward.size() + 1, districts()[k].outward + " ") ==
          0)
        d = k;
  const std::string old = q.postcode;
  for (int t = 0; t < 10 && q.postcode == old; ++t) q.postcode = random_postcode(rng_, d);
  const int num = 1 + static_cast<int>(rng_.below(180));
  const unsigned r = static_cast<unsigned>(rng_.below(1000));
  if (r < 50)
    q.house = rng_.pick(house_names());
  else if (r < 130)
    q.house = "Flat " + std::to_string(1 + rng_.below(12)) + ", " + std::to_string(num);
  else if (r < 170)
    q.house = std::to_string(num) + "A";
  else
    q.house = std::to_string(num);
}

bool Maker::house_format(Query& q, size_t i) {
  const std::string h = q.house;
  if (h.empty()) return false;
  std::string street;
  {
    const std::string addr = c_.str(i, kAddress);
    std::string rest = addr;
    if (addr.compare(0, h.size(), h) == 0) rest = addr.substr(h.size());
    while (!rest.empty() && (rest[0] == ' ' || rest[0] == ',')) rest.erase(0, 1);
    street = rest.substr(0, rest.find(','));
  }
  std::vector<std::string> opts;
  size_t digits = 0;
  while (digits < h.size() && h[digits] >= '0' && h[digits] <= '9') ++digits;
  if (digits == h.size()) {  // "12"
    opts = {h + "A", "Flat 1, " + h, "No. " + h};
    if (!street.empty()) opts.push_back(h + " " + street);
  } else if (digits > 0 && digits + 1 == h.size()) {  // "12A"
    const std::string num = h.substr(0, digits);
    opts = {num, num + " " + h.substr(digits), num + to_lower(h.substr(digits)),
            "Flat " + h.substr(digits) + ", " + num};
  } else if (h.rfind("Flat ", 0) == 0) {  // "Flat 3, 12"
    const auto comma = h.find(',');
    const std::string flat = h.substr(5, comma - 5), num = h.substr(comma + 2);
    opts = {num,
            flat + "/" + num,
            "Flat " + flat,
            flat + ", " + num,
            "Flat " + flat + " " + num,
            num + "/" + flat};
  } else {  // a house name
    std::string abbr = h;
    for (auto [full, shortf] : {std::pair<const char*, const char*>{"Cottage", "Cott"},
                                {"Farm", "Fm"},
                                {"House", "Ho"},
                                {"Barn", "Bn"}}) {
      const auto at = abbr.find(full);
      if (at != std::string::npos)
        abbr = abbr.substr(0, at) + shortf + abbr.substr(at + std::strlen(full));
    }
    if (abbr != h) opts.push_back(abbr);
    if (!street.empty()) opts.push_back(h + ", " + street);
    opts.push_back(to_upper(h));
  }
  q.house = opts[rng_.below(opts.size())];
  return q.house != h;
}

// The community whose lists hold this given name (the first, by weight).
const Community* community_of(std::string_view given) {
  static const std::unordered_map<std::string, size_t> by_name = [] {
    std::unordered_map<std::string, size_t> m;
    const auto& cs = communities();
    std::vector<size_t> order(cs.size());
    for (size_t k = 0; k < cs.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return cs[a].weight > cs[b].weight; });
    for (size_t k : order)
      for (const NameList* l :
           {&cs[k].male_old, &cs[k].female_old, &cs[k].male_young, &cs[k].female_young})
        for (const auto& n : l->names) m.emplace(key_of(n), k);
    return m;
  }();
  auto it = by_name.find(key_of(given));
  return it == by_name.end() ? nullptr : &communities()[it->second];
}

bool Maker::surname_changed(Query& q, size_t i) {
  const std::string old = q.surname;
  for (const auto& w : words(c_.get(i, kMiddle)))
    if (is_sikh_title(w) && w != old && rng_.chance(700)) {
      q.surname = w;
      return true;
    }
  // Mostly a surname from the person's own community (a husband's, a
  // stepfather's), sometimes anyone's in the cohort.
  const Community* own = community_of(c_.get(i, kGiven));
  const char sex = c_.get(i, kSex).empty() ? 'F' : c_.get(i, kSex)[0];
  for (int t = 0; t < 20; ++t) {
    std::string s;
    if (own && rng_.chance(750)) {
      s = own->naming == Naming::kSikh     ? own->surnames.pick(rng_)
          : own->naming == Naming::kSomali ? own->male_old.pick(rng_)
                                           : surname_for_sex(*own, pick_surname(rng_, *own), sex);
    } else {
      s = c_.str(rng_.below(c_.recs.size()), kSurname);
    }
    if (key_of(s) == key_of(old)) continue;
    if (old.find(s) != std::string::npos || s.find(old) != std::string::npos) continue;
    q.surname = s;
    return true;
  }
  return false;
}

bool Maker::not_in_cohort(Query& q) {
  for (int t = 0; t < 50; ++t) {
    Person p = random_person(rng_, c_.max_joined, rng_.chance(450));
    q = Query{};
    const unsigned r = static_cast<unsigned>(rng_.below(1000));
    const unsigned at_address = hard_ ? 450 : 250, share_name = hard_ ? 750 : 500;
    if (r < at_address) {
      // Someone at a cohort family's address: a relative, a lodger, a new baby.
      const size_t j = c_.pools[kAddr].empty()
                           ? rng_.below(c_.recs.size())
                           : c_.pools[kAddr][rng_.below(c_.pools[kAddr].size())];
      q.postcode = c_.str(j, kPostcode);
      q.house = c_.str(j, kHouse);
      if (rng_.chance(600)) {
        p.surname = c_.str(j, kSurname);
        if (rng_.chance(250)) p.dob = c_.max_joined - static_cast<int64_t>(rng_.below(400));
      }
    } else {
      if (r < share_name) p.surname = c_.str(rng_.below(c_.recs.size()), kSurname);
      q.postcode = c_.str(rng_.below(c_.recs.size()), kPostcode);
      new_address(q, rng_.chance(600));
    }
    if (contains(c_.surname_dob, key2(p.surname, p.dob, 1)) ||
        contains(c_.given_dob, key2(p.given, p.dob, 2)))
      continue;
    q.given = p.given;
    q.surname = p.surname;
    q.dob = iso_date(p.dob);
    if (rng_.chance(200)) case_format(q);
    return true;
  }
  return false;
}

bool Maker::apply(Op op, size_t i, Query& q) {
  const char sex = c_.get(i, kSex).empty() ? 'U' : static_cast<char>(c_.get(i, kSex)[0] & ~0x20);
  switch (op) {
    case Op::kExact:
    case Op::kTwin:
      return true;
    case Op::kCaseFormat:
      return case_format(q);
    case Op::kNickname: {
      auto alts = nicknames().alternatives(q.given, sex);
      if (alts.empty()) return false;
      std::vector<std::string> shorter;
      for (const auto& a : alts)
        if (a.size() < q.given.size()) shorter.push_back(a);
      q.given = (!shorter.empty() && rng_.chance(800)) ? rng_.pick(shorter) : rng_.pick(alts);
      return true;
    }
    case Op::kSpellingVariant: {
      auto g = given_spellings().alternatives(q.given, sex);
      auto s = surname_spellings().alternatives(q.surname, 'U');
      if (polish_feminine(q.surname)) s.push_back(q.surname.substr(0, q.surname.size() - 1) + "i");
      if (g.empty() && s.empty()) return false;
      if (!g.empty() && (s.empty() || rng_.chance(700)))
        q.given = rng_.pick(g);
      else
        q.surname = rng_.pick(s);
      return true;
    }
    case Op::kTypoGiven:
      return typo(q.given);
    case Op::kTypoSurname:
      return typo(q.surname);
    case Op::kSurnamePunct:
      return surname_punct(q.surname);
    case Op::kDobSwap: {
      int64_t d;
      if (!parse_date(q.dob, d)) return false;
      const Ymd t = ymd_from_days(d);
      if (t.d > 12 || t.m > 12 || t.d == t.m) return false;
      q.dob = iso_date(days_from_ymd(t.y, t.d, t.m));
      return true;
    }
    case Op::kDobDigit:
      return dob_digit(q);
    case Op::kPostcodeChar:
      return postcode_char(q.postcode);
    case Op::kNamesReversed:
      if (q.given.empty() || key_of(q.given) == key_of(q.surname)) return false;
      std::swap(q.given, q.surname);
      return true;
    case Op::kMoved:
      new_address(q, rng_.chance(500));
      return true;
    case Op::kNoAddress:
      if (q.postcode.empty() && q.house.empty()) return false;
      q.postcode.clear();
      q.house.clear();
      return true;
    case Op::kInitialOnly:
      if (q.given.empty()) return false;
      q.given = initial_of(q.given) + (rng_.chance(200) ? "." : "");
      return true;
    case Op::kMiddleAsFirst: {
      std::vector<std::string> ok;
      for (const auto& w : words(c_.get(i, kMiddle)))
        if (!is_sikh_title(w) && key_of(w) != key_of(q.given)) ok.push_back(w);
      if (ok.empty()) return false;
      q.given = rng_.chance(800) ? ok[0] : rng_.pick(ok);
      return true;
    }
    case Op::kSurnameChanged:
      return surname_changed(q, i);
    case Op::kHouseFormat:
      return house_format(q, i);
    case Op::kNotInCohort:
      return false;  // handled in build()
    default:
      return apply_febrl(op, i, q);
  }
  return false;
}

bool Maker::space_inserted(std::string& s) {
  if (s.size() < 4 || s.find(' ') != std::string::npos) return false;
  const size_t p = 2 + rng_.below(s.size() - 3);  // "ly dia", "ja yde"
  s.insert(s.begin() + static_cast<long>(p), ' ');
  return true;
}

bool Maker::postcode_transposed(std::string& pc) {
  if (pc.size() < 6) return false;
  const std::string orig = pc;
  for (int t = 0; t < 20; ++t) {
    std::string s = orig;
    // Two neighbouring characters, or the digits either side of the space
    // (HD7 2GA for HD2 7GA).
    const size_t sp = s.find(' ');
    size_t a = rng_.below(s.size() - 1), b = a + 1;
    if (s[a] == ' ' || s[b] == ' ') {
      if (sp == std::string::npos || sp == 0 || sp + 1 >= s.size()) continue;
      a = sp - 1;
      b = sp + 1;
    }
    std::swap(s[a], s[b]);
    if (s != orig && valid_postcode(s)) {
      pc = s;
      return true;
    }
  }
  return false;
}

bool Maker::dob_other(Query& q) {
  int64_t d;
  if (!parse_date(q.dob, d)) return false;
  for (int t = 0; t < 20; ++t) {
    // A namesake parent or child, or a date written down wrong.
    const int64_t nd =
        d + (rng_.chance(500) ? 1 : -1) * static_cast<int64_t>(400 + rng_.below(9000));
    if (nd > c_.max_joined || nd < days_from_ymd(1920, 1, 1)) continue;
    q.dob = iso_date(nd);
    return true;
  }
  return false;
}

bool Maker::apply_febrl(Op op, size_t i, Query& q) {
  const char sex = c_.get(i, kSex).empty() ? 'F' : static_cast<char>(c_.get(i, kSex)[0] & ~0x20);
  switch (op) {
    case Op::kTyposEveryField: {
      bool any = typo(q.given);
      any = typo(q.surname) || any;
      if (rng_.chance(600)) any = postcode_char(q.postcode) || any;
      if (rng_.chance(300)) any = dob_digit(q) || any;
      return any;
    }
    case Op::kSpaceInserted:
      return rng_.chance(700) ? space_inserted(q.given) : space_inserted(q.surname);
    case Op::kTokensJoined: {
      for (std::string* f : {&q.surname, &q.given}) {
        std::string joined;
        for (char ch : *f)
          if (ch != ' ' && ch != '-') joined.push_back(ch);
        if (joined != *f) {
          *f = joined;
          return true;
        }
      }
      // A given name and the surname run together in the surname field.
      if (q.given.empty()) return false;
      q.surname = q.given + q.surname;
      q.given.clear();
      return true;
    }
    case Op::kValueMissing: {
      const unsigned r = static_cast<unsigned>(rng_.below(1000));
      std::string* f = r < 300 ? &q.given : r < 450 ? &q.dob : r < 800 ? &q.postcode : &q.house;
      if (f->empty()) return false;
      f->clear();
      return true;
    }
    case Op::kGivenReplaced: {
      const Community* own = community_of(q.given);
      if (!own) return false;
      int64_t d;
      if (!parse_date(q.dob, d)) return false;
      for (int t = 0; t < 10; ++t) {
        std::string g = pick_given(rng_, *own, sex, ymd_from_days(d).y);
        if (key_of(g) != key_of(q.given)) {
          q.given = g;
          return true;
        }
      }
      return false;
    }
    case Op::kPostcodeTransposed:
      return postcode_transposed(q.postcode);
    case Op::kGivenTwoEdits: {
      if (q.given.size() < 6) return false;
      const std::string orig = q.given;
      return typo(q.given) && typo(q.given) && q.given != orig;
    }
    case Op::kDobOther:
      return dob_other(q);
    default:
      return false;
  }
}

bool Maker::build(const Recipe& r, Query& q, int64_t& person) {
  if (r.ops.size() == 1 && r.ops[0] == Op::kNotInCohort) {
    person = -1;
    return not_in_cohort(q);
  }
  // Draw from the smallest pool the recipe needs, then check the rest.
  uint32_t need = 0;
  Flag rare = kAny;
  for (Op op : r.ops) {
    const Flag f = info(op).needs;
    need |= 1u << f;
    if (c_.pools[f].size() < c_.pools[rare].size()) rare = f;
  }
  const auto& pool = c_.pools[rare];
  if (pool.empty()) return false;
  // Apply case_format last, so it formats what the other perturbations made.
  std::vector<Op> ops = r.ops;
  std::stable_partition(ops.begin(), ops.end(), [](Op o) { return o != Op::kCaseFormat; });
  for (int t = 0; t < 60; ++t) {
    const size_t i = pool[rng_.below(pool.size())];
    if ((c_.recs[i].flags & need) != need) continue;
    q.given = c_.str(i, kGiven);
    q.surname = c_.str(i, kSurname);
    q.dob = iso_date(c_.recs[i].dob);
    q.postcode = c_.str(i, kPostcode);
    q.house = c_.str(i, kHouse);
    bool ok = true;
    for (Op op : ops) ok = ok && apply(op, i, q);
    if (!ok) continue;
    // Never let a perturbation land exactly on someone else.
    int64_t d;
    if (parse_date(q.dob, d)) {
      const uint64_t k = key3(q.given, q.surname, d);
      if (k != key3(c_.get(i, kGiven), c_.get(i, kSurname), c_.recs[i].dob) &&
          contains(c_.name_dob, k))
        continue;
    }
    person = static_cast<int64_t>(i);
    return true;
  }
  return false;
}

}  // namespace

int run_queries(const QueryOptions& o) {
  Cohort c;
  if (int rc = load_cohort(o.cohort, c)) return rc;
  OutFile f(o.out);
  if (!f.get()) {
    std::fprintf(stderr, "sfcohort-gen: error: %s: cannot write\n", o.out.c_str());
    return 3;
  }
  Rng rng(o.seed ^ 0x5157u);
  const Mix mix = make_mix(o.mix);
  Maker maker(c, rng, o.mix == "hard");
  {
    CsvOut out(f.get());
    out.raw(
        "query_id,given_name,surname,dob,postcode,house,truth_person_id,truth_family_id,"
        "perturbation");
    out.end_row();
    for (uint64_t n = 1; n <= o.n; ++n) {
      Query q;
      int64_t person = -1;
      const Recipe* r = nullptr;
      for (int t = 0; t < 50; ++t) {
        r = &mix.recipes[mix.dist.pick(rng)];
        if (maker.build(*r, q, person)) break;
        r = nullptr;
      }
      if (!r) {  // a tiny or odd cohort: fall back to an exact query
        static const Recipe exact = recipe("exact");
        r = &exact;
        maker.build(exact, q, person);
      }
      char id[32];
      std::snprintf(id, sizeof id, "Q%07llu", static_cast<unsigned long long>(n));
      out.raw(id);
      for (const std::string* s : {&q.given, &q.surname, &q.dob, &q.postcode, &q.house}) {
        out.sep();
        out.field(*s);
      }
      out.sep();
      if (person >= 0) out.field(c.get(static_cast<size_t>(person), kPid));
      out.sep();
      if (person >= 0) out.field(c.get(static_cast<size_t>(person), kFam));
      out.sep();
      out.raw(r->label);
      out.end_row();
    }
    if (!out.flush()) {
      std::fprintf(stderr, "sfcohort-gen: error: %s: write failed\n", o.out.c_str());
      return 3;
    }
  }
  if (!f.commit()) {
    std::fprintf(stderr, "sfcohort-gen: error: %s: write failed\n", o.out.c_str());
    return 3;
  }
  return 0;
}

}  // namespace gen

// The generator's own reference tables: communities and their names, name
// variants (nicknames, spellings), similar-name pairs, postcode districts,
// streets and house names. Written for this generator; deliberately not shared
// with the matcher, so that the benchmark does not grade the matcher against
// its own lists.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util.hpp"

namespace gen {

// A list of names, most common first, with a skewed frequency distribution.
struct NameList {
  std::vector<std::string> names;
  Weighted dist;
  const std::string& pick(Rng& rng) const { return names[dist.pick(rng)]; }
  bool empty() const { return names.empty(); }
};

enum class Naming {
  kWestern,           // child takes a parent's surname; women often take a husband's
  kSouthAsianMuslim,  // wives often keep their own surname; boys often Mohammed + a middle name
  kSikh,              // Singh/Kaur as surname or as middle name
  kPolish,            // -ski/-cki surnames take -ska/-cka for women
  kSomali,            // a child's surname is the father's given name
};

struct Community {
  std::string name;
  unsigned weight;  // share of households (relative)
  Naming naming;
  NameList male_old, female_old;      // given names of people born before 1995
  NameList male_young, female_young;  // born 1995 or later
  NameList surnames;
  NameList female_surnames;  // surnames only women carry (Begum, Bibi); may be empty
  unsigned middle_adult;     // per mille of adults with a middle name
  unsigned middle_child;     // per mille of children with a middle name
  unsigned jan1_adult;       // per mille of adults recorded as born on 1 January
  unsigned keep_accents;     // per mille of records keeping diacritics
};

const std::vector<Community>& communities();
// True if community c (or, for the British and Irish communities and the
// Caribbean, any of them) uses this given name.
bool community_uses(const Community& c, std::string_view given);
// English surnames built from Yorkshire place-name elements (Holroyd,
// Thornworth...): the long tail of rare surnames.
std::string rare_english_surname(Rng& rng);

// Groups of interchangeable given names. sex is 'M', 'F' or 'U' (either).
struct VariantGroup {
  char sex;
  std::vector<std::string> names;  // names[0] is the formal form
};

// Finds the groups a name belongs to (accent- and case-insensitive).
class VariantIndex {
 public:
  explicit VariantIndex(std::vector<VariantGroup> groups);
  // Names other than `name` sharing a group with it, for a person of `sex`.
  std::vector<std::string> alternatives(std::string_view name, char sex) const;
  bool has(std::string_view name, char sex) const { return !alternatives(name, sex).empty(); }

 private:
  std::vector<VariantGroup> groups_;
  std::unordered_map<std::string, std::vector<int>> by_key_;
};

const VariantIndex& nicknames();          // Robert ~ Bob, Katarzyna ~ Kasia
const VariantIndex& given_spellings();    // Mohammed ~ Muhammad, Stephen ~ Steven
const VariantIndex& surname_spellings();  // Hirst ~ Hurst, Chaudhry ~ Choudhury

// Pairs of names that look or sound alike, for twins and siblings.
struct SimilarPair {
  std::string a, b;
  char sex_a, sex_b;
};
const std::vector<SimilarPair>& similar_pairs();

// ---- places ----
struct District {
  std::string outward;  // HD1, WF13, BD19
  unsigned weight;
  std::vector<std::string> towns;
  bool rural;  // more named houses
};
const std::vector<District>& districts();
const Weighted& district_dist();
const std::vector<std::string>& street_stems();
const std::vector<std::string>& street_types();
const std::vector<std::string>& house_names();

// Letters allowed in the two letters of an inward code.
inline constexpr std::string_view kInwardLetters = "ABDEFGHJLNPQRSTUWXYZ";
// True for a syntactically valid UK postcode (any case, space optional).
bool valid_postcode(std::string_view pc);
// A random postcode in district d: "HD1 2AB".
std::string random_postcode(Rng& rng, size_t district);

}  // namespace gen

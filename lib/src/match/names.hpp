// Name folding, name variants and string similarity for person matching.
// Private to lib/src: lookup and the match index use the same functions, so a
// name is normalised the same way when it is stored and when it is looked up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfcohort::names {

// Folds UTF-8 text to upper-case words separated by single spaces: accents
// stripped (Zoë -> ZOE), letters without a decomposition mapped by hand
// (Łukasz -> LUKASZ, Øyvind -> OYVIND, ß -> SS), apostrophes dropped
// (O'Brien -> OBRIEN), hyphens, dots, commas and other punctuation turned into
// spaces. Letters outside the Latin script are kept as they are.
std::string fold(std::string_view utf8);

// A given-name field, folded: its first name (titles such as MR or DR
// dropped) and any further names written in the same field ("Mary Jane").
struct GivenName {
  std::string first;
  std::vector<std::string> others;
  bool is_initial() const { return first.size() == 1; }
};
GivenName parse_given(std::string_view utf8);

// A surname, folded: particles joined to the following word (O Brien,
// O'Brien, OBrien -> OBRIEN; de la Cruz -> DELACRUZ), a leading MAC written
// MC on both sides (MacDonald = McDonald), suffixes such as JR dropped.
// PARTS holds each part of a double-barrelled or multi-word name; FULL is
// the parts joined without spaces.
struct Surname {
  std::string full;
  std::vector<std::string> parts;
};
Surname parse_surname(std::string_view utf8);

// Every word of a middle-names field, folded.
std::vector<std::string> parse_middle(std::string_view utf8);

// The variant table in the read-only form the build compiles in
// (lib/gen/names_table.cpp writes it from data/names/*.csv), so a process
// that looks one person up pays nothing to load it: NAMES are the folded
// names sorted bytewise, name I spelled TEXT[OFF[I], OFF[I+1]); its groups
// are GROUPS[GROUP_OFF[I], GROUP_OFF[I+1]), indices of the group heads'
// names, ascending.
struct CompiledTable {
  const char* text;
  const uint32_t* off;        // n + 1 entries
  const uint32_t* group_off;  // n + 1 entries
  const uint16_t* groups;
  uint32_t n;
};

// The variant table: nicknames, short forms and spelling variants of given
// names (data/names/*.csv, compiled in). A name belongs to zero or more
// groups; two names are variants when they share a group.
class Variants {
 public:
  // The table compiled from the data files at build time (no start-up cost).
  static const Variants& builtin();
  // A table over a compiled form (which must outlive it).
  static Variants compiled(const CompiledTable& t);
  // Builds a table from CSV text in the two formats of data/names/; the
  // format is told by the header (name1,relationship,name2 or group,names).
  void add_csv(std::string_view text);
  void add_nickname_csv(std::string_view text);
  void add_group_csv(std::string_view text);

  // The group names of folded NAME, sorted; NAME itself when it is in none.
  std::vector<std::string> groups(std::string_view name) const;
  // True when A and B (folded, different) share a group.
  bool related(std::string_view a, std::string_view b) const;
  size_t size() const;
  // Every name with its groups, sorted by name (groups sorted too): what the
  // build compiles, and what tests compare the compiled table with.
  std::vector<std::pair<std::string, std::vector<std::string>>> entries() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  const CompiledTable* table_ = nullptr;
  // table_'s names by hash (open addressing, 1 + position, 0 for none): a
  // lookup compares one or two names where a binary search compared a dozen.
  std::shared_ptr<const std::vector<uint32_t>> by_hash_;
  void ensure();
  // Position of NAME in table_, or -1.
  long find(std::string_view name) const;
};

// American Soundex of folded NAME (letters only): a letter and three digits,
// "" for a name with no A-Z letter.
std::string soundex(std::string_view name);

// Jaro-Winkler similarity in [0, 1].
double jaro_winkler(std::string_view a, std::string_view b);

}  // namespace sfcohort::names

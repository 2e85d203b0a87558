// Name folding, name variants and string similarity for person matching.
// Private to lib/src: lookup and the match index use the same functions, so a
// name is normalised the same way when it is stored and when it is looked up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
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

// The variant table: nicknames, short forms and spelling variants of given
// names (data/names/*.csv, compiled in). A name belongs to zero or more
// groups; two names are variants when they share a group.
class Variants {
 public:
  // The table built from the embedded data files (built once, thread-safe).
  static const Variants& builtin();
  // Builds a table from CSV text in the two formats of data/names/ (for tests).
  void add_nickname_csv(std::string_view text);
  void add_group_csv(std::string_view text);

  // The group names of folded NAME, sorted; NAME itself when it is in none.
  std::vector<std::string> groups(std::string_view name) const;
  // True when A and B (folded, different) share a group.
  bool related(std::string_view a, std::string_view b) const;
  size_t size() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  void ensure();
};

// American Soundex of folded NAME (letters only): a letter and three digits,
// "" for a name with no A-Z letter.
std::string soundex(std::string_view name);

// Optimal-string-alignment distance (Damerau-Levenshtein with adjacent
// transpositions), stopping early: returns MAX+1 once the distance exceeds MAX.
int edit_distance(std::string_view a, std::string_view b, int max = 3);

// Jaro-Winkler similarity in [0, 1].
double jaro_winkler(std::string_view a, std::string_view b);

}  // namespace sfcohort::names

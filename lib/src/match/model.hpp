// The matching model: normalised records, blocking keys and the field-by-field
// comparison that lookup scores and explains. Private to lib/src; the public
// face is sfcohort/lookup.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "match/names.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::match {

// A house as written: "12", "12A", "Flat 3, 12", "Rose Cottage".
struct House {
  std::string number;  // the building number, "12"
  std::string letter;  // "A" of "12A"
  std::string flat;    // "3" of "Flat 3, 12"
  std::string name;    // "ROSECOTTAGE" when there is no number
  bool empty() const { return number.empty() && name.empty(); }
  // What the address key uses: the number, else the name.
  const std::string& building() const { return number.empty() ? name : number; }
};
House parse_house(std::string_view text);

// A person or a query, normalised for comparison.
struct Norm {
  names::GivenName given;
  std::vector<std::string> middle;
  names::Surname surname;
  std::string dob_text;     // as given, trimmed
  std::optional<Date> dob;  // day, month and year as written
  bool dob_valid = false;   // a real calendar date
  std::string postcode;     // compact: "HD12AB"
  bool postcode_valid = false;
  House house;
  char sex = 0;  // 'M', 'F' or 0 (not known)
};
// 'M' or 'F' for M, F, male or female in any case; 0 for anything else
// (X, U, empty).
char sex_of(std::string_view text);
Norm normalise(std::string_view given, std::string_view middle, std::string_view surname,
               std::string_view dob, std::string_view postcode, std::string_view house);
// As normalise, without dob_valid and postcode_valid (left false): compare()
// reads those of the query only, so a cohort person's need not be worked out.
Norm normalise_person(std::string_view given, std::string_view middle, std::string_view surname,
                      std::string_view dob, std::string_view postcode, std::string_view house);

// normalise_person for many people on one thread. Names and houses repeat
// across a cohort (Smith, Mohammed, no middle name, 12), so each text is
// parsed once and remembered, up to kRemembered texts of each field.
class PersonNormaliser {
 public:
  static constexpr size_t kRemembered = size_t{1} << 15;
  Norm operator()(std::string_view given, std::string_view middle, std::string_view surname,
                  std::string_view dob, std::string_view postcode, std::string_view house);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  template <class T>
  using Memo = std::unordered_map<std::string, T, Hash, std::equal_to<>>;
  template <class T, class Parse>
  static const T& remember(Memo<T>& memo, std::string_view text, Parse parse);
  Memo<names::GivenName> given_;
  Memo<std::vector<std::string>> middle_;
  Memo<names::Surname> surname_;
  Memo<House> house_;
};

// Keys written for a stored person, and the keys a query probes (which also
// cover day/month swaps and reversed names). Sorted, without duplicates.
std::vector<uint64_t> person_keys(const Norm& p);
std::vector<uint64_t> query_keys(const Norm& q);
// The key of an address (compact postcode and building); 0 when incomplete.
uint64_t address_key(const Norm& n);

// Name frequencies for term-frequency weighting: the share of cohort people
// with a given name or surname (0 when unknown).
struct Frequencies {
  double given = 0;
  double surname = 0;
  // For names reversed: the query's given name as a surname and its surname as a given name.
  double given_as_surname = 0;
  double surname_as_given = 0;
};

// One field-by-field comparison of a query with a person.
struct Comparison {
  Why why;
  // The level scored when the reported one is "invalid": what the text still
  // shows (e.g. a digit differs in 2010-02-31 against 2010-02-21).
  DobLevel dob_as = DobLevel::kMissing;
  PostcodeLevel postcode_as = PostcodeLevel::kMissing;
  double bits = 0;  // the match weight, log2 of the likelihood ratio
  // Given name, surname and date of birth all agree at least closely: this
  // could be the same person, and so is a rival to any other candidate.
  bool could_be_same = false;
  // May this comparison be a strong match (before the ambiguity check)?
  bool strong_eligible = false;
  bool exact = false;
  // Given name differs outright: never a person match (twins, siblings).
  bool given_differs = false;
};

// Whether A is the masculine ('M') or feminine ('F') form of B, by their
// endings: Paul and Paula, Daniel and Danielle, Francis and Frances,
// Christian and Christine, George and Georgia; 0 when neither.
char sex_form(std::string_view a, std::string_view b);

// Compares query Q with person P; FREQ_P holds the frequencies of P's names.
Comparison compare(const Norm& q, const Norm& p, double given_tf, double surname_tf);

// What compare() derives from the query alone, for comparing one query with
// many people. Holds a reference to Q, which must outlive it.
struct QueryParts {
  explicit QueryParts(const Norm& q);
  const Norm& q;
  names::Surname given_as_surname;  // for names written the wrong way round
  std::string surname_first;
  std::string given_skeleton, surname_first_skeleton, surname_skeleton;
  std::string given_joined;  // the given-name field's words run together
};
Comparison compare(const QueryParts& q, const Norm& p, double given_tf, double surname_tf);

// names::edit_distance(A, B, 1) in one pass: 0 when equal, 1 for one
// letter changed, added, dropped or two adjacent letters swapped, else 2.
int edits_upto_one(std::string_view a, std::string_view b);

// Weight thresholds of the bands, and the score shown for a weight.
inline constexpr double kPossibleBits = 12.0;
inline constexpr double kStrongBits = 20.0;
// A strong candidate is reported as possible when another candidate that
// could be the same person (see Comparison::could_be_same) and reaches
// possible is within this many bits of it.
inline constexpr double kAmbiguityBits = 3.5;
double score_of(double bits);
// The weight a comparison C needs to be possible in a cohort of PEOPLE:
// kPossibleBits, and more in a large cohort when neither the surname with
// the date of birth (exact or swapped) nor the address (at least the
// sector) corroborates the names, since namesakes born a year apart or living elsewhere grow with
// it.
double possible_bits(const Comparison& c, double people);
inline constexpr double kCohortBase = 20000;  // people at which nothing is added
// The score reported for a match of band B and weight BITS: score_of(BITS)
// placed in the band's range (see Match::score), so the bands order scores.
double band_score(Band b, double bits);
// Where each band's scores start.
inline constexpr double kPossibleScore = 0.50;
inline constexpr double kStrongScore = 0.90;
inline constexpr double kExactScore = 0.99;

}  // namespace sfcohort::match

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
#include "match/weights.hpp"
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
  // One whole value differs and everything else agrees (the why's
  // twin_or_alias or namesake note): possible whatever the weight, never
  // strong.
  bool review = false;
};

// Whether A is the masculine ('M') or feminine ('F') form of B, by their
// endings: Paul and Paula, Daniel and Danielle, Francis and Frances,
// Christian and Christine, George and Georgia; 0 when neither.
char sex_form(std::string_view a, std::string_view b);

// Compares query Q with person P under weights W; GIVEN_TF and SURNAME_TF
// are the shares of the cohort with P's given name and surname.
Comparison compare(const Norm& q, const Norm& p, double given_tf, double surname_tf,
                   const Weights& w = Weights::builtin());

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
Comparison compare(const QueryParts& q, const Norm& p, double given_tf, double surname_tf,
                   const Weights& w = Weights::builtin());

// names::edit_distance(A, B, 1) in one pass: 0 when equal, 1 for one
// letter changed, added, dropped or two adjacent letters swapped, else 2.
int edits_upto_one(std::string_view a, std::string_view b);

// A strong candidate is reported as possible when another candidate that
// could be the same person (see Comparison::could_be_same) and reaches
// possible is within this many bits of it.
inline constexpr double kAmbiguityBits = 3.5;
// The match probability of a comparison of weight BITS with one person of a
// cohort of PEOPLE: Bayes' rule with prior odds 1 to PEOPLE (the person
// asked about is one of the cohort, not known which) and the weight as the
// log2 likelihood ratio.
double probability(double bits, double people);
// The score reported for a match of band B and probability P under W's
// thresholds: P, but a possible match's score is kept below W.strong (and at
// least W.possible), so every strong match outscores every possible one.
double band_score(Band b, double p, const Weights& w);

}  // namespace sfcohort::match

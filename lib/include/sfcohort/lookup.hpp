// Person lookup: is this person (or household) in the cohort? Fuzzy but
// explainable matching of a partner's record (names, date of birth, postcode,
// house) against the cohort, for single lookups and bulk runs.
//
// Candidates come from blocking keys stored in the database (schema
// 0002_match.sql), never from a scan. Each candidate is compared field by
// field; the levels (the `why`) and their weights give a score and a band.
// The bands, best first:
//   exact     every field given and equal after normalisation;
//   strong    safe to treat as the same person: high weight, given name,
//             surname and date of birth all agree at least closely, and no
//             other cohort person comes close;
//   possible  a person should review (an initial only, a changed surname, a
//             date of birth further out, or two plausible people);
//   none      not matched. A given name that differs outright (twins,
//             siblings) is never a person match: the household shows them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {

// A CohortIndex's data, and the match module's way to it: private to the
// library (lib/src/match/cohort_index.hpp).
namespace match {
struct IndexData;
class IndexAccess;
}  // namespace match

// What a partner gave: any field may be empty. SEX is M or F when known;
// anything else (X, U, empty) is not compared.
struct Query {
  Query() = default;
  Query(std::string g, std::string s, std::string d, std::string pc, std::string h,
        std::string sx = {})
      : given_name(std::move(g)),
        surname(std::move(s)),
        dob(std::move(d)),
        postcode(std::move(pc)),
        house(std::move(h)),
        sex(std::move(sx)) {}
  std::string given_name, surname, dob, postcode, house;
  std::string sex;
  // Only an address: the question is which cohort families live there.
  bool address_only() const {
    return given_name.empty() && surname.empty() && dob.empty() && !postcode.empty();
  }
};

enum class Band { kNone, kPossible, kStrong, kExact };
std::string_view band_name(Band b);                  // "none", "possible", ...
std::optional<Band> parse_band(std::string_view s);  // accepts the names above

// Per-field levels of the `why`, in the contract's vocabulary.
enum class GivenLevel {
  kExact,
  kVariant,
  kFuzzy,
  kInitial,
  kMiddle,
  kSwapped,
  kDiffers,
  kMissing,
  kSplit,     // split by a space or run together (Ly Dia, MaryJane)
  kTwoEdits,  // two typing errors in a name of six letters or more: possible only
};
enum class SurnameLevel { kExact, kPart, kFuzzy, kSwapped, kDiffers, kMissing };
enum class DobLevel { kExact, kSwapped, kDigit, kNear, kDiffers, kInvalid, kMissing };
enum class PostcodeLevel { kExact, kNear, kSector, kDistrict, kDiffers, kInvalid, kMissing };
enum class HouseLevel { kExact, kNumber, kDiffers, kMissing };
// Sex is compared only when the query gives it and the person's is known.
enum class SexLevel { kSame, kDiffers, kMissing };
std::string_view level_name(GivenLevel l);
std::string_view level_name(SurnameLevel l);
std::string_view level_name(DobLevel l);
std::string_view level_name(PostcodeLevel l);
std::string_view level_name(HouseLevel l);
std::string_view level_name(SexLevel l);

struct Why {
  GivenLevel given_name = GivenLevel::kMissing;
  SurnameLevel surname = SurnameLevel::kMissing;
  DobLevel dob = DobLevel::kMissing;
  PostcodeLevel postcode = PostcodeLevel::kMissing;
  HouseLevel house = HouseLevel::kMissing;
  SexLevel sex = SexLevel::kMissing;
  // The names cross sex (Paul and Paula, Francis and Frances): counted only
  // when the query gives no sex, and never strong.
  bool other_sex_form = false;
  // The given name differs and every other field agrees: a twin, or the
  // same person under another name. Possible, never strong.
  bool twin_or_alias = false;
  // The date of birth differs and the names and address agree: a namesake
  // parent or child, or a wrong date. Possible, never strong.
  bool namesake = false;
  // "given_name=variant;surname=exact;dob=exact;postcode=exact;house=exact",
  // then ";sex=same" or ";sex=differs" when sex was compared, and
  // ";note=twin_or_alias" or ";note=namesake" for those cases.
  std::string to_string() const;
};

struct Match {
  Band band = Band::kNone;
  // 0-1: the match probability (the weight on a prior of one in the
  // cohort's size), a possible match's kept within the band's thresholds
  // (below strong), so every strong match outscores every possible one.
  double score = 0;
  double bits = 0;  // the match weight (log2 likelihood ratio), for explanations
  Person person;
  Why why;
};

// A cohort family at the queried address (postcode and house).
struct Household {
  std::string family_id;
  std::string why;  // "same postcode and house" or "same postcode and house number"
  int people = 0;
  std::string lead_agency, lead_contact;
  std::string house;  // where the family was found (a member's house)
  // Members who look like the queried person but were not matched: same
  // surname or date of birth (a twin or sibling?).
  std::vector<Person> similar;
};

struct LookupResult {
  std::vector<std::string> warnings;  // e.g. "dob '31/02/2010' is not a date: compared as written"
  std::vector<Match> matches;         // at or above min_band, best first, at most limit
  std::vector<Household> household;
  int candidates = 0;  // how many cohort people reached possible
};

struct LookupOptions {
  Band min_band = Band::kPossible;
  int limit = 5;
  bool household = true;          // fill LookupResult::household
  bool household_details = true;  // with lead agency and size (costs two queries per family)
};

// A read-only copy in memory of what lookups read from the store: the match
// keys and the people holding each (from the stored key buckets), the fields
// of each person that are scored, the name frequencies and the families in
// the cohort. It is read once, table by table in order (about a second and
// 150 MB for 1,000,000 people), after which lookups over it read nothing
// from the database. For bulk runs; a few lookups are cheaper on the store.
// It is a snapshot: changes to the store after load() are not seen.
class CohortIndex {
 public:
  // Reads STORE's cohort. With SECOND (another connection to the same
  // database), the keys are read through it on a second thread meanwhile.
  // Returns null, not an error, for a cohort the index cannot hold (more
  // than 4,294,967,295 people or keys, or bigger than 4 GiB of fields).
  // Call it after Matcher::create(STORE), which indexes unindexed people.
  static Result<std::shared_ptr<const CohortIndex>> load(Store& store, Store* second = nullptr);
  // How many lookups in STORE's cohort take longer in the store than loading
  // an index and looking them up in it (at most 50,000).
  static Result<int64_t> rows_to_pay_off(Store& store);
  ~CohortIndex();
  CohortIndex(const CohortIndex&) = delete;
  CohortIndex& operator=(const CohortIndex&) = delete;

  size_t people() const;
  size_t keys() const;          // distinct match keys
  size_t memory_bytes() const;  // what the index holds, roughly

 private:
  friend class match::IndexAccess;
  explicit CohortIndex(std::unique_ptr<match::IndexData> data);
  std::unique_ptr<match::IndexData> data_;
};

// Looks people up in a Store or a CohortIndex; both give the same answers.
// Not thread-safe: use one Matcher per thread (each over its own Store, or
// all over one shared CohortIndex).
class Matcher {
 public:
  // Prepares a matcher over STORE, which must outlive it. Indexes any person
  // stored without match keys (a database from before migration 2).
  static Result<Matcher> create(Store& store);
  // A matcher that reads only INDEX. The people it reports hold the fields
  // the index keeps: pk, id, family_id, names, dob, postcode and house.
  // LookupOptions::household_details is not available (an internal error):
  // lead agencies and family sizes are in the store.
  static Matcher create(std::shared_ptr<const CohortIndex> index);
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;
  ~Matcher();

  // Looks Q up. Invalid dates and postcodes are not errors: they are
  // compared as written, noted in warnings and in the why.
  Result<LookupResult> lookup(const Query& q, const LookupOptions& opts = {});

 private:
  struct Impl;
  explicit Matcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Looks every query of QUERIES up over INDEX on THREADS threads, each with
// its own matcher: the results in the order of QUERIES. The first error
// (kInterrupted when the user interrupts) stops them all and is returned.
Result<std::vector<LookupResult>> lookup_all(const std::shared_ptr<const CohortIndex>& index,
                                             const std::vector<const Query*>& queries,
                                             const LookupOptions& opts, int threads);

}  // namespace sfcohort

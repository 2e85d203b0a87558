// sfcohort-gen: the synthetic cohort and lookup-query generator.
#pragma once

#include <cstdint>
#include <string>

#include "tables.hpp"
#include "util.hpp"

namespace gen {

struct CohortOptions {
  uint64_t people = 0;
  uint64_t seed = 1;
  std::string out = "-";
  int64_t start_date = 0;  // days since 1970-01-01; families join within 3 years of it
};

struct QueryOptions {
  std::string cohort;
  uint64_t n = 0;
  uint64_t seed = 1;
  std::string out = "-";
  std::string mix = "default";  // default | single | hard
};

// Each returns a process exit status, having printed any error to stderr.
int run_cohort(const CohortOptions& o);
int run_queries(const QueryOptions& o);

// Opens `path` for writing ("-" is stdout) through a temporary file that
// commit() renames into place, so a failed run leaves no half-written file.
class OutFile {
 public:
  explicit OutFile(const std::string& path);
  ~OutFile();
  std::FILE* get() const { return f_; }
  bool commit();  // flush, close, rename; false on any failure

 private:
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
};

// Picks names the way each community names its people. Shared by the cohort
// (families) and the queries (people who are not in the cohort).
struct Person {
  std::string given, middle, surname;
  char sex = 'F';
  int64_t dob = 0;
};

size_t pick_community(Rng& rng);
// A given name of the right sex for someone born in birth_year.
std::string pick_given(Rng& rng, const Community& c, char sex, int birth_year);
// A family surname in its base form (masculine for Polish).
std::string pick_surname(Rng& rng, const Community& c);
// Polish -ski/-cki becomes -ska/-cka for women; other surnames are unchanged.
std::string surname_for_sex(const Community& c, const std::string& base, char sex);
// Middle names (maybe empty), never repeating the given name.
std::string pick_middle(Rng& rng, const Community& c, char sex, int birth_year,
                        const std::string& given, bool adult);
// A plausible stranger: names, sex and a dob making them `age_days` old at `ref`.
Person random_person(Rng& rng, int64_t ref, bool adult);

}  // namespace gen

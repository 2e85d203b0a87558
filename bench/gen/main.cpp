// sfcohort-gen: the only file that sees argv.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "feeds.hpp"
#include "gen.hpp"

namespace {

constexpr const char* kHelp =
    R"(sfcohort-gen - deterministic synthetic data for sfcohort tests and benchmarks

usage:
  sfcohort-gen cohort --people N [--seed S] [--out FILE|-] [--start-date YYYY-MM-DD]
  sfcohort-gen queries --cohort FILE --n N [--seed S] [--out FILE|-] [--mix default|single|hard|febrl]
  sfcohort-gen feeds --cohort FILE --rows N [--seed S] [--dir DIR] [--as-of YYYY-MM-DD]
  sfcohort-gen --help

cohort
  Writes a cohort CSV of exactly N people in households (one or two adults,
  0-6 children; step-families, grandparent carers, twins, juniors), named as
  the communities of Kirklees name their children, at HD/WF/BD postcodes.
  Columns: family_id,person_id,given_name,middle_names,surname,sex,dob,
           postcode,house,address,role,joined_on
  --people N        number of people (rows), required
  --seed S          PRNG seed (default 1); the same seed gives identical bytes
  --out FILE|-      output file (default -, stdout); written via a temp file
  --start-date D    families join within three years from D (default 2015-04-01);
                    nobody is born after joining, so a start date less than
                    three years ago can give dates of birth in the future

queries
  Writes N lookup queries as partner agencies send them, each a cohort person
  with one or two perturbations, or a person not in the cohort.
  Columns: query_id,given_name,surname,dob,postcode,house,
           truth_person_id,truth_family_id,perturbation
  truth_person_id and truth_family_id are empty for not_in_cohort.
  --cohort FILE     a cohort CSV (as written by `cohort`), required
  --n N             number of queries, required
  --seed S          PRNG seed (default 1)
  --out FILE|-      output file (default -, stdout)
  --mix M           default: realistic (about 30% exact, 15% not_in_cohort)
                    single:  only single perturbations, equally weighted, from
                             exact case_format nickname spelling_variant
                             typo_given typo_surname dob_swap dob_digit
                             postcode_char names_reversed moved no_address
                             surname_punct house_format
                    hard:    twins, initial_only, surname_changed and doubles
                             over-weighted
                    febrl:   another noise model, after the FEBRL generator:
                             typos_every_field space_inserted tokens_joined
                             value_missing given_replaced postcode_transposed
                             given_two_edits dob_other, typos and doubles

perturbation labels
  exact            the cohort values as they are
  case_format      case, postcode spacing, dob written DD/MM/YYYY, D/M/YYYY,
                   DD-MM-YYYY, DD.MM.YYYY or D.M.YYYY, accents dropped, padding
  nickname         Bob for Robert, Kasia for Katarzyna, Mo for Mohammed
  spelling_variant Muhammad for Mohammed, Steven for Stephen, Hurst for Hirst
  typo_given       one insertion, deletion, substitution or transposition
  typo_surname     the same in the surname
  surname_punct    O'Brien/OBrien/O Brien, McDonald/MacDonald/Mc Donald,
                   Smith-Jones/Smith Jones/Jones
  dob_swap         day and month swapped (both <= 12 and different)
  dob_digit        one digit of the dob wrong, still a valid date
  postcode_char    one character of the postcode wrong, still valid format
  names_reversed   given name and surname swapped
  moved            another postcode and house
  no_address       postcode and house empty
  initial_only     given name reduced to its initial
  middle_as_first  a middle name given as the first name
  surname_changed  another surname (marriage, a stepfather's, Kaur for Sandhu)
  house_format     12 / 12A / Flat 3, 12 / 3/12 / 12 Example Street
  twin             a person whose twin is also in the cohort (truth: this one)
  not_in_cohort    nobody in the cohort (some at cohort addresses or sharing
                   a cohort surname)
  a+b              two perturbations, e.g. nickname+moved

feeds
  Writes five evidence feeds of N rows each into DIR (school_attendance_pct,
  asb_recorded, child_in_need, out_of_work_benefit, dv_police_callout .csv),
  about cohort people and about households outside the cohort, and truth.csv:
  each outside household's key (as `sfcohort identify` names it), whether it
  meets 2 or more kirklees-2015 criteria, and which. Dates are within six
  months before --as-of (default 2026-09-01). See bench/gen/feeds.cpp.

exit status: 0 success, 2 usage or bad input, 3 file error
)";

int usage(const std::string& msg) {
  std::fprintf(stderr, "sfcohort-gen: error: %s\nsfcohort-gen: hint: see sfcohort-gen --help\n",
               msg.c_str());
  return 2;
}

bool parse_u64(const std::string& s, uint64_t& v) {
  if (s.empty() || s.size() > 19) return false;
  v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage("missing command (cohort or queries)");
  for (const auto& a : args)
    if (a == "--help" || a == "-h" || a == "help") {
      std::fputs(kHelp, stdout);
      return 0;
    }
  const std::string cmd = args[0];
  if (cmd == "feeds") return gen::run_feeds({args.begin() + 1, args.end()});
  gen::CohortOptions co;
  gen::QueryOptions qo;
  co.start_date = gen::days_from_ymd(2015, 4, 1);
  bool have_people = false, have_n = false;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string a = args[i], v;
    const auto eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      v = a.substr(eq + 1);
      a = a.substr(0, eq);
    } else if (a.rfind("--", 0) == 0) {
      if (i + 1 >= args.size()) return usage(a + ": needs a value");
      v = args[++i];
    } else {
      return usage("unexpected argument '" + a + "'");
    }
    uint64_t n = 0;
    if (a == "--seed") {
      if (!parse_u64(v, n)) return usage("--seed: '" + v + "' is not a number");
      co.seed = qo.seed = n;
    } else if (a == "--out") {
      co.out = qo.out = v;
    } else if (cmd == "cohort" && a == "--people") {
      if (!parse_u64(v, n)) return usage("--people: '" + v + "' is not a number");
      co.people = n;
      have_people = true;
    } else if (cmd == "cohort" && a == "--start-date") {
      int64_t d;
      if (v.size() != 10 || v[4] != '-' || !gen::parse_date(v, d))
        return usage("--start-date: '" + v + "' is not a YYYY-MM-DD date");
      co.start_date = d;
    } else if (cmd == "queries" && a == "--cohort") {
      qo.cohort = v;
    } else if (cmd == "queries" && a == "--n") {
      if (!parse_u64(v, n)) return usage("--n: '" + v + "' is not a number");
      qo.n = n;
      have_n = true;
    } else if (cmd == "queries" && a == "--mix") {
      if (v != "default" && v != "single" && v != "hard" && v != "febrl")
        return usage("--mix: '" + v + "' is not default, single, hard or febrl");
      qo.mix = v;
    } else {
      return usage("unknown option " + a + " for " + cmd);
    }
  }
  if (cmd == "cohort") {
    if (!have_people) return usage("cohort: --people is required");
    return gen::run_cohort(co);
  }
  if (cmd == "queries") {
    if (qo.cohort.empty()) return usage("queries: --cohort is required");
    if (!have_n) return usage("queries: --n is required");
    return gen::run_queries(qo);
  }
  return usage("unknown command '" + cmd + "'");
}

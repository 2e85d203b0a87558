// sfcohort lookup, the single lookup (cmd/lookup_single.cpp): one person, or
// an address, from flags, printed as text or JSON. cmd/lookup.cpp parses the
// options and runs batches.
#pragma once

#include <string>

#include "cli.hpp"
#include "sfcohort/lookup.hpp"

namespace sfcohort::cli {

struct SingleLookup {
  std::string given, surname, dob, postcode, house, sex;
  std::string format;  // text (the default) or json
  int limit = 5;
};

// Looks one person up, or (with a postcode and no name or date of birth)
// the families at an address; prints the answer and audits it. Exit 0 when
// a person matched at MIN_BAND or better (or a family is at the address), 1
// when not.
Result<int> run_single(const Globals& g, const SingleLookup& o, Band min_band);

}  // namespace sfcohort::cli

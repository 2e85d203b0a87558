// sfcohort lookup: its options, parsed in cmd/lookup.cpp; the single lookup
// (cmd/cli_lookup_single.cpp: one person, or an address, printed as text or
// JSON) and the batch (cmd/cli_lookup_batch.cpp: a file of people, or a
// partner's sealed request).
#pragma once

#include <string>
#include <vector>

#include "cli.hpp"
#include "sfcohort/lookup.hpp"
#include "share.hpp"

namespace sfcohort::cli {

struct LookupOptions {
  std::string given, surname, dob, postcode, house, sex;
  std::string min_band = "possible";
  int limit = 5;
  std::string format;
  std::string batch;
  std::string output = "-";
  std::vector<std::string> maps;
  std::string sheet;                 // --sheet: a workbook's sheet
  bool bom = false, no_bom = false;  // --bom, --no-bom (default: a file has one)
  // Sealed exchange: a sealed request is opened first; --to seals the reply.
  SealFlags seal;  // --to, --armor, --passphrase-file (no --recipient)
  std::string from;
  bool no_verify = false;
};

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

// A plain batch, or a partner's request: a sealed --batch file is opened with
// the team identity (its signature checked against the register); with --to
// only the partner reply is sealed to the partners (sealed_request.hpp).
Result<int> run_lookup_batch(const Globals& g, const LookupOptions& o, Band min_band);

}  // namespace sfcohort::cli

// The options of sfcohort lookup, shared by its single lookup (lookup.cpp)
// and its batch (lookup_batch.cpp).
#pragma once

#include <string>
#include <vector>

#include "cli.hpp"
#include "sfcohort/lookup.hpp"
#include "share.hpp"

namespace sfcohort::cli {

struct LookupOptions {
  std::string given, surname, dob, postcode, house;
  std::string min_band = "possible";
  int limit = 5;
  std::string format;
  std::string batch;
  std::string output = "-";
  std::vector<std::string> maps;
  bool bom = false, no_bom = false;  // --bom, --no-bom (default: a file has one)
  // Sealed exchange: a sealed request is opened first; --to seals the reply.
  SealFlags seal;  // --to, --armor, --passphrase-file (no --recipient)
  std::string from;
  bool no_verify = false;
};

// A plain batch, or a partner's request: a sealed --batch file is opened with
// the team identity (its signature checked against the register); with --to
// only the partner reply is sealed to the partners (sealed_request.hpp).
Result<int> run_lookup_batch(const Globals& g, const LookupOptions& o, Band min_band);

}  // namespace sfcohort::cli

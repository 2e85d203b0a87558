// What the match module reads from the store beyond its keys
// (db/match_tables.hpp): the people at an address, for address-only
// lookups. Private to lib/src; the tables are schema/0007_match_model.sql's.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::match_model {

// Appends to PKS the people whose postcode is UNIT ("HD1 2AB", as stored),
// in ascending pk order, at most LIMIT of them.
Status people_at_postcode(Store& store, std::string_view unit, size_t limit,
                          std::vector<int64_t>& pks);

}  // namespace sfcohort::match_model

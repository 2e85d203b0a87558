// The one seam between nominations and the cohort lookup: which people
// already in the cohort a nominated member is. Private to lib/src.
#pragma once

#include <vector>

#include "sfcohort/nomination.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::nomination {

// Cohort people who are M (exact or strong), or may be (possible), best
// first. Runs inside the caller's transaction, if any.
Result<std::vector<CohortMatch>> find_in_cohort(Store& store, const Member& m, const Address& a);

}  // namespace sfcohort::nomination

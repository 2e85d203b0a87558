// The link between the store and lookup: every insert or update of a person
// rewrites that person's normalised match keys, so lookups find candidates by
// indexed probes, never by a scan of the cohort.
#pragma once

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::match {

// Writes the match keys of P (already stored, P.pk set), replacing any it had.
// Runs inside the caller's transaction.
Status index_person(Store& store, const Person& p);

}  // namespace sfcohort::match

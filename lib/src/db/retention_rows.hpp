// The retention schedule (schema/0008) and the deletes that dispose of
// records when it says they are due. What is due, and the one transaction
// it is disposed of in, are cohort/'s (sfcohort/retention.hpp); the match
// keys go through match/ first. Private to lib/src.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

struct RetentionRule {
  std::string cls, duration, updated_at, updated_by;
};
// The schedule, by class.
Result<std::vector<RetentionRule>> retention_rules(Store& store);
// Sets CLASS's duration (insert or update).
Status set_retention_rule(Store& store, const RetentionRule& r);

// The closed families whose closure date is on or before CUTOFF
// (YYYY-MM-DD), with their number of people, by id.
Result<std::vector<std::pair<std::string, int64_t>>> families_closed_by(Store& store,
                                                                        const std::string& cutoff);
// The rejected nominations decided on or before CUTOFF, by id.
Result<std::vector<std::string>> nominations_rejected_by(Store& store, const std::string& cutoff);

// Deletes FAMILY_ID and everything held about it: its people (whose match
// keys and disclosures the caller removed first), status history,
// evidence, agencies, consent and nominations. A nomination about another
// family that names one of its people keeps the member, unlinked.
Status delete_family(Store& store, const std::string& family_id);
// Deletes the nomination ID (with its members).
Status delete_nomination(Store& store, const std::string& id);

}  // namespace sfcohort::db

// What `identify` reads of the cohort: every family holding evidence (from
// an accepted nomination, or a partner's feed row attached to one of its
// people), with its members, in one pass over the tables (each read once,
// in family order) rather than a query per family. Reads tables family,
// person, nomination_member, family_evidence and evidence.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/programme_rows.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

struct EvidenceMember {
  std::string id, given_name, surname, dob, role;
  // As the person's latest nomination described them, when one did.
  std::optional<bool> resident;
  std::string relationship;
};

struct EvidenceFamily {
  std::string id, status;
  std::vector<EvidenceMember> members;  // by date of birth
  // From accepted nominations, and from feeds (attached rows), each by date.
  std::vector<ProgrammeEvidence> typed, fed;
};

// Calls VISIT once per family holding evidence, in id order, from one read
// snapshot. Stops at, and returns, the first error VISIT returns.
Status each_evidence_family(Store& store,
                            const std::function<Status(const EvidenceFamily&)>& visit);

}  // namespace sfcohort::db

// What a partner may learn from a bulk check: the reply to a partner's
// `lookup --batch` request keeps the partner's own columns and adds only the
// band, whether the person or their household is known, and how to reach the
// family's lead agency. Scores, cohort ids, the field-by-field `why` and the
// other families at an address stay with the team.
#pragma once

#include <string>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {

struct PartnerReplyOptions {
  // The partner's profile allows history: a closed family's people are
  // reported known as before. Without it (the default) a closed family is
  // not currently known: known=no, no lead, not in the disclosed families.
  // The reason for a closure is never in a reply.
  bool history = false;
  // When set, receives the people the reply says are known (known=person),
  // for the disclosure record.
  std::vector<Disclosure>* people = nullptr;
};

// Reads FULL_PATH, a `lookup --batch` output (CSV, or JSON Lines when JSONL),
// and writes to OUT_PATH (0600, atomically) one row per input row: the input
// columns, `match`, `known` (person: matched exact or strong; household: no
// person, but a cohort family lives at the address; no: neither; a closed
// family counts as neither unless OPT.history),
// `lead_agency` and `lead_contact` (of the matched person's family, or of the
// one family at the address; empty otherwise or when several live there).
// Returns the cohort family ids the reply discloses as known, for the audit.
Result<std::vector<std::string>> write_partner_reply(Store& store, const std::string& full_path,
                                                     bool jsonl, const std::string& out_path,
                                                     const PartnerReplyOptions& opt = {});

}  // namespace sfcohort

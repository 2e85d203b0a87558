// What a subject access request reads that the store's other interfaces do
// not give: a person's record times, the audit entries about them or their
// family, and the disclosure record (schema/0008). Every read is by an
// index (person id, audit subject), so a request costs milliseconds in a
// cohort of a million people with millions of disclosure rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

struct RecordTimes {
  std::string created_at, updated_at;
};
// When PERSON_ID's record was first stored and last changed.
Result<std::optional<RecordTimes>> person_times(Store& store, const std::string& person_id);

// An audit entry, without its detail (which may name other people), and the
// partner a disclosure went to ("" for an officer).
struct EntryRef {
  int64_t seq = 0;
  std::string at, actor, command, purpose, subject, partner;
};
// The entries whose subject is one of SUBJECTS, by seq.
Result<std::vector<EntryRef>> entries_about(Store& store, const std::vector<std::string>& subjects);
// Every disclosure of PERSON_ID, with its entry, by seq then partner.
Result<std::vector<EntryRef>> disclosures_of(Store& store, const std::string& person_id);

}  // namespace sfcohort::db

// A person's record over time (schema/0011): the fields each import changed,
// and the ids of later files linked to a person already in the cohort.
// Written by import (cohort/import.cpp), read by a subject access request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

// Records that the import changed FIELD of the person PERSON_PK from OLD to
// NOW, at AT (UTC), in the caller's transaction.
Status record_person_change(Store& store, int64_t person_pk, const std::string& field,
                            const std::string& old_value, const std::string& new_value,
                            const std::string& at);

struct PersonChange {
  std::string field, old_value, new_value, changed_at;
};
// PERSON_ID's recorded changes, oldest first.
Result<std::vector<PersonChange>> person_changes(Store& store, const std::string& person_id);

// Links ALIAS (an id of a partner's or a later file) to the person PERSON_PK.
Status link_person_alias(Store& store, const std::string& alias, int64_t person_pk,
                         const std::string& at);
// The person ALIAS was linked to, if any.
Result<std::optional<Person>> person_by_alias(Store& store, const std::string& alias);
// Every id linked to a person by an earlier import (an import asks this once,
// not once a row).
Result<std::vector<std::string>> linked_ids(Store& store);
// The ids linked to PERSON_ID, in the order they were linked.
Result<std::vector<std::string>> person_aliases(Store& store, const std::string& person_id);

}  // namespace sfcohort::db

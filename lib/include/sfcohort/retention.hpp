// Retention and disposal (UK GDPR storage limitation). The schedule is data
// in the database (schema/0008): how long each class of record is kept
// after the event it counts from. Classes and their documented defaults:
//   closed_family        6 years after the family's closure: the family,
//                        its people (and their match keys and disclosure
//                        record), status history, evidence, agencies,
//                        consent and nominations;
//   rejected_nomination  1 year after the decision: the nomination and its
//                        members.
// Disposal deletes what is due in one transaction and leaves one audit
// entry (counts and family ids, no personal data) from which the trail
// still verifies; deleted content is overwritten in the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::retention {

// The classes, in order: closed_family, rejected_nomination.
const std::vector<std::string>& classes();

struct Rule {
  std::string cls;
  std::string duration;    // "6 years", "18 months", "90 days"
  std::string updated_at;  // "" for the default
  std::string updated_by;  // "default" until set
};
Result<std::vector<Rule>> schedule(Store& store);

// Sets CLS's duration (N years, N months or N days; N a whole number, 0 up
// to 100 years), with an audit entry. kInvalidInput, nothing written: an
// unknown class, a duration that is not one of those forms.
Result<Rule> set(Store& store, const std::string& cls, const std::string& duration);

struct Due {
  std::string as_of;  // YYYY-MM-DD
  struct Class {
    std::string cls, duration, cutoff;  // due: counted from on or before CUTOFF
    std::vector<std::string> ids;       // family ids or nomination ids
    int64_t people = 0;                 // closed_family: the people of those families
  };
  std::vector<Class> classes;
  int64_t total() const;
};

// What is due on AS_OF ("" for today; any form parse_date takes). A date
// that is not one, or is in the future, is kInvalidInput.
Result<Due> due(Store& store, const std::string& as_of);

struct Disposed {
  Due due;
  int64_t people = 0, families = 0, nominations = 0, disclosures = 0;
  // What copies of the deleted data remain, for the user ("" on SQLite,
  // where none do).
  std::string note;
};
// Deletes everything due on AS_OF, in one transaction with an audit entry
// (subject "retention"; detail as_of, schedule, counts, family and
// nomination ids, and the disposed disclosures' digest), then makes sure
// no copy of the deleted data stays in the database file or its log
// (on PostgreSQL: vacuums the tables if the user owns them; see note).
Result<Disposed> apply(Store& store, const std::string& as_of);

}  // namespace sfcohort::retention

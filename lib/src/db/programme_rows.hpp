// What the programme's reports read: every family with its members, its
// evidence and the agencies working with it, in one pass over the tables
// (each read once, in family order, from its family index) rather than a
// query per family. Reads tables family, person, family_evidence (evidence
// typed into nominations), evidence (partners' feeds: the rows attached to
// a family's people) and family_agency (and family_status for a closure's
// outcome); what a report makes of them is report/'s.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

struct ProgrammeMember {
  std::string id, given_name, surname, dob, role;
};

struct ProgrammeEvidence {
  std::string indicator, person_id, date, source;
  std::optional<double> value;
};

struct ProgrammeAgency {
  std::string name, role, contact;
  bool lead = false;
};

struct ProgrammeFamily {
  std::string id, status, joined_on, lead_agency, lead_contact;
  std::string closed_on, outcome;  // of a closed family: when, and the outcome ("" unrecorded)
  std::vector<ProgrammeMember> members;
  std::vector<ProgrammeEvidence> evidence;  // typed and fed, by date
  std::vector<ProgrammeAgency> agencies;
};

// The query that reads the feeds' attached evidence in family order (for
// the test that pins its plan).
extern const char* const kProgrammeFeedSql;

// Calls VISIT once per family, in id order. Stops at, and returns, the first
// error VISIT returns. Reads only, in one read transaction (a consistent
// snapshot).
Status each_programme_family(Store& store,
                             const std::function<Status(const ProgrammeFamily&)>& visit);

}  // namespace sfcohort::db

// Identifying families: every household, a cohort family or a candidate
// formed from evidence about people outside the cohort, evaluated against a
// criteria set with the evidence now held (sfcohort/evidence.hpp feeds and
// accepted nominations), as `check` evaluates one family.
//
// Candidate households: the people of evidence rows that matched nobody
// (one person per name and date of birth), grouped by address: postcode
// and house; and by surname too where the address is shared (a cohort
// family lives there, so others there are another household) or no house
// is given (a postcode holds many households). People without a postcode
// are each a household of their own. Each household's `why` says how it
// was formed.
//
// Rows awaiting review (a possible match, not yet accepted or rejected)
// count for a candidate household too, provisionally, when the address the
// partner gave is not the possible match's: until a person decides, the
// row may be about someone the cohort does not hold, and leaving it out
// would hide the household. Such a candidate says how many of its rows
// await review and whom they might be; accepting a row moves it to the
// cohort person's family, rejecting it makes it an outside row. A row
// giving the possible match's own address (a twin, a namesake at home)
// counts for no candidate.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/criteria.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::identify {

struct CandidatePerson {
  std::string id;  // within the household: p1, p2, ...
  std::string given_name, surname, dob, sex;
  std::string role;  // adult | child on the as-of date
};

struct HouseholdResult {
  // A cohort family's id, or a candidate's key: "C:" then postcode, house
  // (and surname), e.g. "C:HD1 2AB|12" — stable while the evidence is.
  std::string key;
  bool in_cohort = false;
  std::string family_id;      // a cohort family's id
  std::string family_status;  // cohort | closed | nominated (cohort families)
  std::string postcode, house, address;
  std::vector<CandidatePerson> people;       // candidates only
  std::map<std::string, std::string> names;  // member id -> name, for explanations
  std::string why;
  criteria::Household household;  // the members and evidence evaluated
  criteria::Outcome outcome;
  // A candidate's rows awaiting review, and the cohort people they may be.
  int pending_review = 0;
  std::vector<std::string> possibly;
  // A nomination made for this candidate by `identify --nominate`.
  std::string nomination_id, nomination_status;
};

struct Options {
  std::string criteria;  // a set name or file; "" the database's default
  std::optional<Date> as_of;
  bool only_new = false;    // only eligible candidates not yet nominated or in the cohort
  bool nominate = false;    // submit a pending nomination for each new eligible candidate
  std::string legal_basis;  // for the nominations (required with nominate)
};

struct Identified {
  std::string criteria_set, summary;
  Date as_of;
  // Cohort families first (by id), then candidates; empty when they were
  // handed to a Listed callback instead.
  std::vector<HouseholdResult> households;
  size_t listed = 0;
  int cohort_evaluated = 0, cohort_eligible = 0;
  int candidates = 0, candidates_eligible = 0;
  std::vector<std::string> nominated;  // ids of the nominations made now
};

// Evaluates every household holding evidence (families with none are not
// listed: they meet nothing). With nominate, also submits a nomination
// (sfcohort/nomination.hpp: pending, for the team to decide) for each
// eligible candidate not nominated before, each with the household's
// people, address and evidence. One audit entry (and, with nominate, the
// nominations' own). Errors: an unknown set (kInvalidInput); nominate
// without a legal basis (kInvalidInput).
Result<Identified> identify(Store& store, const Options& opt);

// As identify(), but each household listed is handed to LISTED (in the same
// order) instead of being kept, so a listing of every household need not
// be held at once: as it is evaluated, or with nominate once its
// nomination is made. An error from LISTED stops it, before the audit
// entry.
using Listed = std::function<Status(const HouseholdResult&)>;
Result<Identified> identify(Store& store, const Options& opt, const Listed& listed);

}  // namespace sfcohort::identify

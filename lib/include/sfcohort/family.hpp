// A family's life in the programme: closing it when it leaves, reopening it,
// and what the cohort holds about a family or a person (`sfcohort family`,
// `sfcohort person`). Closed is not gone: a closed family's people stay in
// the cohort, lookups report them marked closed, and a partner is told they
// are not currently known (sfcohort/partner_reply.hpp). The reason for a
// closure stays with the team.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfcohort/lookup.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::family {

// The outcome codes a closure may record, for reports: outcomes_achieved,
// stepped_down, moved_away, disengaged, transferred.
const std::vector<std::string>& outcome_codes();
bool is_outcome(std::string_view code);

struct Closure {
  std::string reason;   // required
  std::string on_date;  // a date (any form parse_date takes); "" for today
  std::string outcome;  // one of outcome_codes(), or ""
};

// Closes FAMILY_ID as of C.on_date, with its reason and outcome, and an
// audit entry (subject the family; detail status, on, outcome: not the
// reason, which the append-only trail could never dispose of), in
// one transaction. kInvalidInput, with nothing written: an unknown family,
// a family already closed (or only nominated), no reason, a date that is
// not a date, is in the future or before the family's latest status change,
// an unknown outcome.
Result<FamilyStatusChange> close(Store& store, const std::string& family_id, const Closure& c);

// Reopens the closed family FAMILY_ID today (status cohort), with REASON and
// an audit entry. kInvalidInput: an unknown family, a family not closed, no
// reason.
Result<FamilyStatusChange> reopen(Store& store, const std::string& family_id,
                                  const std::string& reason);

// For the closed families among those RES reports (matches and households):
// "closed on DATE (reason)", by family id, as an officer's lookup shows
// them (never a partner's).
Result<std::map<std::string, std::string>> closed_texts(Store& store, const LookupResult& res);

// A piece of evidence: typed into a nomination, or from a partner's feed
// (`evidence import`, sfcohort/evidence.hpp).
struct Evidence {
  std::string indicator;
  std::string person_id;  // "" for the household
  std::string date;
  std::optional<double> value;
  std::string source;
  std::string nomination_id;  // the nomination it was typed into; "" from a feed
  std::string feed_id;        // the feed it came in (E000001); "" typed
  // A feed row's state: attached (matched to the person, or accepted in
  // review) or review (a possible match to the person, not yet decided);
  // "" typed.
  std::string state;
};

struct Agency {
  std::string name, role, contact;
  bool lead = false;
};

struct NominationRef {
  std::string id, status, submitted_at;
  std::optional<std::string> decided_at;
};

struct FamilyView {
  Family family;
  std::vector<Person> members;                // by date of birth
  std::vector<FamilyStatusChange> history;    // oldest first
  std::optional<FamilyStatusChange> closure;  // when closed now
  std::vector<Agency> agencies;               // newest record first
  std::vector<NominationRef> nominations;     // by id
  std::vector<Evidence> evidence;             // typed and attached from feeds, by date
};

// Everything held about FAMILY_ID, with an audit entry (subject the family,
// detail the member ids). Unknown family: kInvalidInput.
Result<FamilyView> show(Store& store, const std::string& family_id);

struct PersonView {
  Person person;
  Family family;
  std::optional<FamilyStatusChange> closure;  // of their family, when closed
  std::vector<NominationRef> nominations;     // naming them
  // About them, by date: typed, attached from feeds, and feed rows waiting
  // for review as a possible match to them.
  std::vector<Evidence> evidence;
};

// The person PERSON_ID, their family's status, the nominations and evidence
// that name them, with an audit entry (subject the person). Unknown person:
// kInvalidInput.
Result<PersonView> show_person(Store& store, const std::string& person_id);
// The same without the audit entry, for a caller that audits what it does
// with it (a subject access request).
Result<PersonView> person_view(Store& store, const std::string& person_id);

}  // namespace sfcohort::family

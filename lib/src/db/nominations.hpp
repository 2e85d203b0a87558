// Nominations as stored (schema/0003_nomination.sql): the nomination and its
// members (tables `nomination`, `nomination_member`), and what accepted
// nominations recorded about a family (`family_evidence`, `family_agency`,
// `family_consent`). What a nomination means, and when it may be decided,
// is rules/'s; this file only stores and finds records.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

// A member of a nomination found in the cohort when it was submitted.
struct MemberMatch {
  std::string member_id;  // the file's member id
  std::string band;       // exact | strong | possible
  std::string person_id, family_id;
};

struct NominationRecord {
  std::string id;      // N000001
  std::string status;  // pending | accepted | rejected
  std::string submitted_at, submitted_by;
  std::string nominator_name, nominator_agency, nominator_email;  // stored, not read back
  std::string criteria_set, as_of;
  bool eligible = false;
  std::vector<int> criteria_met;
  std::optional<std::string> family_id;
  std::optional<std::string> decided_at, decided_by, reason;
  std::string document;              // the file's text as submitted
  std::string result_json;           // the check at submission, as JSON text
  std::vector<MemberMatch> matches;  // read by find_nomination only, by member id
};

struct NominatedMember {
  std::string member_id;
  bool resident = true;
  std::string relationship;
  std::optional<MemberMatch> match;  // its member_id is this member's
};

// The id the next nomination gets: N and six digits, one more than the highest.
Result<std::string> next_nomination_id(Store& store);

// Stores N (status pending) and its MEMBERS. The caller holds the write
// transaction and audits.
Status insert_nomination(Store& store, const NominationRecord& n,
                         const std::vector<NominatedMember>& members);

// The nomination ID with its matches, if there is one.
Result<std::optional<NominationRecord>> find_nomination(Store& store, const std::string& id);

// The nominations whose status is STATUS ("": every one), newest first,
// without their matches.
Result<std::vector<NominationRecord>> nominations_with_status(Store& store,
                                                              const std::string& status);

// Records that member MEMBER_ID of nomination NOMINATION_ID is PERSON_ID in
// the cohort (on acceptance).
Status set_member_person(Store& store, const std::string& nomination_id,
                         const std::string& member_id, const std::string& person_id);

struct Decided {
  std::string id;
  std::string status;  // accepted | rejected
  std::string decided_at, decided_by, reason;
  std::optional<std::string> family_id;
};

// Records the decision D on a pending nomination. Returns false when there
// was no pending nomination D.id to decide (nothing is changed).
Result<bool> record_decision(Store& store, const Decided& d);

// ---- what accepted nominations recorded per family -------------------------

struct FamilyEvidence {
  std::string indicator;
  std::optional<std::string> person_id;  // none: about the household
  std::string member_id;                 // the file's member id, or ""
  std::string date;
  std::optional<double> value;
  std::string source;
  std::string nomination_id;
};

struct FamilyAgency {
  std::string name, role, contact;
  bool lead = false;
};

struct FamilyConsent {
  bool given = false;
  std::optional<std::string> given_on;
  std::string given_by, legal_basis;
  std::string nomination_id;
  std::string recorded_at;
};

// Stores what nomination NOMINATION_ID, accepted, says about FAMILY_ID: its
// evidence, agencies and consent. The caller holds the write transaction.
Status add_family_records(Store& store, const std::string& family_id,
                          const std::string& nomination_id,
                          const std::vector<FamilyEvidence>& evidence,
                          const std::vector<FamilyAgency>& agencies, const FamilyConsent& consent);

struct AcceptedCheck {
  std::string criteria_set;
  std::vector<int> criteria_met;
};

// The check of FAMILY_ID's latest accepted nomination, if it has one.
Result<std::optional<AcceptedCheck>> latest_accepted_check(Store& store,
                                                           const std::string& family_id);

// FAMILY_ID's evidence, by date, then as recorded.
Result<std::vector<FamilyEvidence>> family_evidence(Store& store, const std::string& family_id);

// FAMILY_ID's agencies, newest record first (an agency recorded again by a
// later nomination appears once per record).
Result<std::vector<FamilyAgency>> family_agencies(Store& store, const std::string& family_id);

// FAMILY_ID's latest recorded consent, if any.
Result<std::optional<FamilyConsent>> latest_consent(Store& store, const std::string& family_id);

struct Membership {
  bool resident = true;
  std::string relationship;
};

// How the latest nomination naming PERSON_ID described them, if one did.
Result<std::optional<Membership>> latest_membership(Store& store, const std::string& person_id);

}  // namespace sfcohort::db

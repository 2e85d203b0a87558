// Nominations: a professional's request that a household join the cohort,
// as a JSON file (the shape is in the CLI contract, "Nomination file").
// This module parses and validates the file, stores it with the check run at
// submission and the cohort members it matched, records decisions, and on
// acceptance adds the household to the cohort (or merges it into the family
// it matched) with its evidence, agencies, consent and legal basis, which
// family_dossier() returns per family. Tables: schema/0003_nomination.sql.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/criteria.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::nomination {

struct Address {
  std::string house, street, town;
  std::string postcode;  // normalised "HD1 2AB", or "" (no fixed abode)
  // "12 Example Street, Huddersfield": what person.address holds.
  std::string line() const;
};

struct Member {
  std::string id;  // the file's member id, e.g. "m1"
  std::string given_name, middle_names, surname;
  std::string dob;   // YYYY-MM-DD
  std::string sex;   // "", M, F, X, U
  std::string role;  // adult | child (defaults from age on the day of submission)
  std::string relationship;
  bool resident = true;  // "resident": false marks a non-resident parent
};

struct EvidenceItem {
  std::string indicator;
  std::string member;  // a member id, or "" for the whole household
  std::string date;    // YYYY-MM-DD
  std::optional<double> value;
  std::string source;
};

struct Agency {
  std::string name;
  std::string role;  // lead_professional | keyworker | involved
  std::string contact;
  bool lead = false;
};

struct Consent {
  bool given = false;
  std::string date;  // YYYY-MM-DD or ""
  std::string by;
};

struct Nominator {
  std::string name, agency, email;
};

struct Nomination {
  std::string criteria_set;  // "" when the file names none
  Nominator nominated_by;
  Address address;
  std::vector<Member> members;
  std::vector<EvidenceItem> evidence;
  std::vector<Agency> agencies;
  Consent consent;
  std::string legal_basis;
};

// The errors found in one nomination file, all of them: reading goes on
// after an error so that the person fixing the file sees every one at once.
struct Problems {
  std::vector<Error> found;
  // True when S is fine; otherwise notes its error.
  bool ok(const Status& s);
  void add(std::string message);
  // Ok when nothing was found; else one kInvalidInput Error: the first
  // problem as "LABEL: path: what", the others in `more` alike, and the
  // hints of all of them, each once.
  Status status(const std::string& label) const;
};

// Reads a nomination file's TEXT into N, noting every error in PS: JSON
// syntax, every key known, types, dates, postcodes, sex codes, unique member
// ids, evidence naming a member that exists, at least one member, one lead
// agency at most. Errors name the JSON path ("members[2].dob: '31/02/2010'
// is not a date"); N holds what could be read. TODAY gives the default role
// (adult at 18).
void parse_into(const std::string& text, const Date& today, Nomination& n, Problems& ps);

// parse_into() as a Result: every error of the file in one Error.
Result<Nomination> parse(const std::string& text, const std::string& label, const Date& today);

// Checks every evidence item against SET's vocabulary, noting each error in
// PS: an unknown code names the nearest valid ones; a value must be present
// exactly when the indicator takes one.
void check_indicators(const Nomination& n, const criteria::CriteriaSet& set, Problems& ps);

// check_indicators() as a Status: every error in one Error.
Status validate_indicators(const Nomination& n, const criteria::CriteriaSet& set,
                           const std::string& label);

criteria::Household to_household(const Nomination& n);

// The template `nominate template` prints, with indicator codes from SET.
nlohmann::ordered_json template_json(const criteria::CriteriaSet& set);

// The `check --format json` object of an outcome (contract: "check").
nlohmann::ordered_json outcome_json(const criteria::Outcome& o);

// The criteria set to use: NAME_OR_PATH if given, else the database's
// default (meta key criteria_set), else kirklees-2015.
Result<criteria::CriteriaSet> resolve_set(Store* store, const std::string& name_or_path);

// Records NAME_OR_PATH as the database's default criteria set (meta key
// criteria_set), after checking that it loads, with an audit entry. For
// `init` and administration; kInvalidInput for an unknown set.
Status set_default_set(Store& store, const std::string& name_or_path);

// ---- stored nominations ----------------------------------------------------

// A member already in the cohort, found by the lookup at submit.
struct CohortMatch {
  std::string member;  // the file's member id
  std::string band;    // exact | strong | possible
  std::string person_id, family_id;
  std::string why;  // "given_name=exact;surname=exact;dob=exact"
};

struct Record {
  std::string id;      // N000001
  std::string status;  // pending | accepted | rejected
  std::string submitted_at, submitted_by;
  std::string criteria_set, as_of;
  bool eligible = false;
  std::vector<int> criteria_met;
  std::optional<std::string> family_id;
  std::optional<std::string> decided_at, decided_by, reason;
  std::string document;              // the file's text as submitted
  nlohmann::ordered_json result;     // outcome_json() of the check at submit
  std::vector<CohortMatch> matches;  // empty in list()
  // The document read back for display, as written (not normalised): the
  // whole of it (null if unreadable), the nominator and the members.
  nlohmann::ordered_json document_json;
  std::optional<Nominator> nominated_by;
  std::vector<Member> members;
};

struct Submitted {
  Record record;
  criteria::Outcome outcome;
};

// Validates TEXT, runs the check (with the set the file names, else the
// database default) as of AS_OF (default today) and a lookup of every
// member, and stores it all as a pending nomination with an audit entry, in
// one transaction. Nothing is stored when validation fails.
Result<Submitted> submit(Store& store, const std::string& text, const std::string& label,
                         std::optional<Date> as_of = std::nullopt);

// Nominations, newest first; STATUS (pending, accepted or rejected) filters
// when not empty, and anything else is kInvalidInput. One audit entry.
Result<std::vector<Record>> list(Store& store, const std::string& status = "");

// One nomination, with its document and matches. Unknown id: kInvalidInput.
// One audit entry.
Result<Record> show(Store& store, const std::string& id);

struct Decision {
  bool accept = false;
  std::string reason;  // required, non-empty
  // Merge into this family, which must be in the cohort; by default the one
  // family its members matched (exact or strong), else a new family. Several
  // matched families without this: kInvalidInput naming them.
  std::string family_id;
};

// Records the decision on a pending nomination (who: the context's actor;
// when: now). Accepting adds the household to the cohort: a new family
// (status cohort, joined today, lead agency from the nomination) or the
// matched one, each member not already in it as a new person, and the
// evidence, agencies, consent and legal basis under the family. One
// transaction with its audit entry. Deciding twice: kInvalidInput.
// When the refusal is that the members are in several families, *SEVERAL
// (if given) lists them, for a caller that words its own hint.
Result<Record> decide(Store& store, const std::string& id, const Decision& d,
                      std::vector<std::string>* several = nullptr);

// ---- what the cohort holds per family (for check and export) ---------------

struct EvidenceRow {
  std::string indicator;
  std::string person_id;  // "" for the household
  std::string date;
  std::optional<double> value;
  std::string source;
  std::string nomination_id;
};

struct AgencyRow {
  std::string name, role, contact;
  bool lead = false;
};

struct ConsentRow {
  bool given = false;
  std::string date, by, legal_basis, nomination_id;
};

// Everything accepted nominations recorded about FAMILY_ID: evidence (by
// date), agencies, the latest consent and legal basis, and the criteria met
// at the latest accepted nomination. Empty parts for a family that came by
// import. Reads only; the caller audits.
struct Dossier {
  std::string family_id;
  std::string criteria_set;  // of the latest accepted nomination, or ""
  std::vector<int> criteria_met;
  std::vector<EvidenceRow> evidence;
  std::vector<AgencyRow> agencies;
  std::optional<ConsentRow> consent;
};
Result<Dossier> family_dossier(Store& store, const std::string& family_id);

// A family in the database as the criteria engine sees it: its members
// (person ids) and its recorded evidence. Unknown family: kInvalidInput.
Result<criteria::Household> family_household(Store& store, const std::string& family_id);

}  // namespace sfcohort::nomination

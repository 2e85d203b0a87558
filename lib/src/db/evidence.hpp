// Evidence feeds as stored (schema/0009_evidence.sql): the feeds (table
// `evidence_feed`), their rows of evidence (`evidence`) and the nominations
// made for candidate households (`candidate_nomination`). What a row means,
// how it was matched and how households are formed is rules/'s
// (sfcohort/evidence.hpp, sfcohort/identify.hpp); this file only stores and
// finds records.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

struct FeedRecord {
  std::string id;  // E000001
  std::string sha256, indicator, source, file, criteria_set;
  std::string imported_at, imported_by;
  int64_t rows = 0, attached = 0, review = 0, outside = 0, rejected = 0;
};

struct EvidenceRecord {
  int64_t pk = 0;  // 0 until stored
  std::string feed_id;
  int64_t row = 0;  // in its feed, as a spreadsheet shows it
  std::string fingerprint;
  std::string indicator, date;
  std::optional<double> value;
  std::string source;
  std::string state;  // attached | review | outside
  std::optional<std::string> person_id;
  std::string band, why;
  double score = 0;
  // The person as the partner gave them (review and outside rows).
  std::string given_name, surname, dob, sex, postcode, house, address;
  std::string address_family;
  std::optional<std::string> decided_at, decided_by, decision, reason;
  // Read only: the family and address of person_id, when there is one.
  std::string family_id, person_postcode, person_house;
};

// The id the next feed gets: E and six digits, one more than the highest.
Result<std::string> next_feed_id(Store& store);

// The feed already imported from a file with digest SHA256 for INDICATOR.
Result<std::optional<FeedRecord>> feed_by_digest(Store& store, const std::string& sha256,
                                                 const std::string& indicator);

// Every feed, oldest first.
Result<std::vector<FeedRecord>> feeds(Store& store);

// Stores F. The caller holds the write transaction and audits.
Status insert_feed(Store& store, const FeedRecord& f);

// Sets the counts of feed ID once its rows are stored.
Status update_feed_counts(Store& store, const std::string& id, int64_t rows, int64_t attached,
                          int64_t review, int64_t outside, int64_t rejected);

// Stores E unless a row with its fingerprint is held already: true when it
// was stored. The caller holds the write transaction.
Result<bool> insert_evidence(Store& store, const EvidenceRecord& e);

// The rows in STATE (attached, review or outside), by pk, with the family of
// their person. Attached rows come without the partner's person fields.
Result<std::vector<EvidenceRecord>> evidence_in_state(Store& store, const std::string& state);

// The attached rows about the people of FAMILY_ID, by date.
Result<std::vector<EvidenceRecord>> family_feed_evidence(Store& store,
                                                         const std::string& family_id);

// The rows naming PERSON_ID: attached to them, or waiting for review as a
// possible match to them; by date.
Result<std::vector<EvidenceRecord>> person_feed_evidence(Store& store,
                                                         const std::string& person_id);

// The row PK, if there is one.
Result<std::optional<EvidenceRecord>> evidence_row(Store& store, int64_t pk);

// Records a decision on the review row PK: accepted (attached to its
// person) or rejected (outside, its person cleared). False when PK is not a
// row waiting for review (nothing changed). The caller holds the write
// transaction and audits.
Result<bool> decide_evidence(Store& store, int64_t pk, bool accept, const std::string& at,
                             const std::string& by, const std::string& reason);

// The nominations made for candidate households: household key ->
// (nomination id, its status).
Result<std::map<std::string, std::pair<std::string, std::string>>> candidate_nominations(
    Store& store);

// Records that NOMINATION_ID was made for the candidate household HOUSEHOLD.
Status insert_candidate_nomination(Store& store, const std::string& household,
                                   const std::string& nomination_id, const std::string& at);

// The ids of the families with evidence of any kind (from feeds, or from
// accepted nominations), sorted.
Result<std::vector<std::string>> families_with_evidence(Store& store);

}  // namespace sfcohort::db

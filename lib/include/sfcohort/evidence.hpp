// Evidence feeds: a partner's list (school attendance, police call-outs,
// benefit claims...) of people with a date and, for some indicators, a
// value, matched to the cohort so that evidence no longer exists only in
// nominations someone typed. Each row is looked up with the matcher: exact
// and strong matches attach the evidence to the person; possible ones wait
// for a person to review them; rows matching nobody are kept as evidence
// about people outside the cohort, from which `identify` forms candidate
// households (sfcohort/identify.hpp). Tables: schema/0009_evidence.sql.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::evidence {

struct ImportOptions {
  std::string path;               // a CSV file or .xlsx workbook, or "-" (CSV on standard input)
  std::string indicator;          // the indicator of every row; "" when a column names it per row
  std::string source;             // who sent the feed; "" names it after the file
  std::string criteria;           // the set whose vocabulary the indicators are; "" the default
  std::vector<std::string> maps;  // "field=HEADER": columns bound by hand (sfcohort/table.hpp)
  std::string sheet;              // a workbook's sheet by name; "" the first
  std::optional<std::string> rejects_path;  // invalid rows go here; else they abort the import
};

// The fields a feed's columns may give: the lookup's person fields, then
// indicator, date and value. The header names known for indicator, date
// and value (beyond the field's own name) are in man/sfcohort-evidence.1.
const std::vector<std::string_view>& feed_fields();

struct RowProblem {
  size_t row = 0;     // as a spreadsheet shows it (the header is row 1)
  std::string field;  // the field at fault ("" for a row that could not be read)
  std::string message;
};

struct ImportReport {
  std::string file;   // as messages name it
  std::string sheet;  // a workbook's sheet read, for messages; "" for CSV
  std::string feed_id;
  std::string sha256;
  std::string source;
  std::string criteria_set;
  // The feed this file was already imported as: nothing was written.
  std::string already;
  size_t rows = 0;      // data rows read
  size_t attached = 0;  // matched exact or strong: evidence about a cohort person
  size_t exact = 0, strong = 0;
  size_t review = 0;     // possible matches, waiting for `evidence review`
  size_t outside = 0;    // matched nobody: about people outside the cohort
  size_t duplicate = 0;  // rows already held (from this feed or another): not stored again
  size_t rejected = 0;
  size_t blank = 0;
  std::vector<RowProblem> errors;  // the first kMaxErrors invalid rows
  bool aborted = false;            // invalid rows and no rejects file: nothing written
  std::vector<std::string> warnings;
  static constexpr size_t kMaxErrors = 20;
};

// Imports OPT.path as one feed: every row validated (an indicator of the
// set, a value exactly when the indicator takes one, a date not in the
// future nor before the person's birth, a date of birth, surname, postcode
// and sex that parse), looked up, and stored with the feed in one
// transaction with one audit entry (subject the feed id; its file, source,
// digest and counts). Invalid rows abort the import (the report says
// aborted, lists them, nothing is written) unless OPT.rejects_path is given:
// they are then written there, with an error column, and the others
// imported. A file already imported for the same indicator changes nothing
// (report.already). Errors (nothing written): an unknown --indicator (the
// message names the nearest codes), a missing column, no usable rows
// (kInvalidInput); an unreadable file (kEnvironment).
Result<ImportReport> import_feed(Store& store, const ImportOptions& opt);

// A row waiting for review: the partner's person and the cohort person the
// lookup proposed.
struct ReviewItem {
  int64_t id = 0;
  std::string feed_id, source, indicator, date;
  int64_t row = 0;
  std::optional<double> value;
  std::string given_name, surname, dob, postcode, house;  // as the partner gave them
  std::string person_id, family_id;                       // proposed
  std::string person_name, person_dob;                    // the proposed person's
  double score = 0;
  std::string why;
  std::string decision;  // accepted | rejected after a decision
};

// The rows waiting for review, oldest first, with one audit entry naming how
// many were listed.
Result<std::vector<ReviewItem>> review_list(Store& store);

// Decides the review row ID: accepted attaches the evidence to the proposed
// person; rejected keeps it as evidence about someone outside the cohort.
// One transaction with an audit entry. Errors (kInvalidInput): no such row,
// or a row not waiting for review (already decided, or matched).
Result<ReviewItem> decide(Store& store, int64_t id, bool accept, const std::string& reason);

struct Decisions {
  std::vector<ReviewItem> decided;
};

// Decides every row of a decisions file (CSV or workbook with columns id and
// decision, accept or reject, and optionally reason), all in one
// transaction with one audit entry: any bad row (its row and field named)
// and nothing is decided.
Result<Decisions> decide_file(Store& store, const std::string& path);

}  // namespace sfcohort::evidence

// Importing a cohort table (CSV): validated row by row, written in one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {

struct ImportOptions {
  std::string path;  // a CSV file or .xlsx workbook, or "-" (CSV on standard input)
  std::optional<std::string> rejects_path;  // invalid rows go here; else they abort the import
  bool dry_run = false;                     // validate and count, write nothing
  std::function<void(uint64_t bytes_read)> progress;  // called now and then
  std::vector<std::string> maps;  // "field=HEADER": columns bound by hand (sfcohort/table.hpp)
  std::string sheet;              // a workbook's sheet by name; "" the first
  // What changed, written here (CSV, or JSON Lines for a name ending .jsonl
  // or .ndjson): change,family_id,person_id,field,old,new with change added,
  // updated (one line per field), moved (the same person id in another
  // family: field family_id), missing (with FULL) or duplicate (a second row
  // for a person already in the file: refused, its row number in old/new).
  // Made visible only when the import commits (or at the end of a dry run).
  std::optional<std::string> changes_path;
  // The file is the whole active cohort: people of active families absent
  // from it are reported missing.
  bool full = false;
  // With FULL: families all of whose people are missing are closed today
  // with this reason (empty: none is closed).
  std::string close_missing_reason;
};

struct RowError {
  size_t row = 0;  // as a spreadsheet shows it (the header is row 1)
  std::string message;
};

struct ImportReport {
  size_t read = 0;
  size_t imported = 0;   // new people
  size_t updated = 0;    // people whose fields changed, or now linked to a new id
  size_t unchanged = 0;  // people already stored exactly so
  size_t rejected = 0;
  size_t families_added = 0;
  size_t moved = 0;      // people now in another family (also counted in updated)
  size_t missing = 0;    // with full: active people absent from the file
  size_t duplicate = 0;  // rows refused as a second row for one person (also rejected)
  std::vector<std::string> families_closed;  // with close_missing_reason
  std::vector<RowError> errors;              // the first kMaxErrors invalid rows
  bool aborted = false;                      // invalid rows and no rejects file: nothing written
  std::string sha256;                        // of the input
  size_t blank = 0;                          // blank rows skipped (not counted in read)
  std::vector<std::string> warnings;         // columns not known, kept as extra fields
  static constexpr size_t kMaxErrors = 20;
};

// Imports OPT.path into STORE. Without a rejects file any invalid row aborts
// the whole import: the report says aborted, lists the bad rows, and nothing
// is written. With one, valid rows are committed together and invalid rows
// are written to it with an added `error` column. Re-importing the same file
// changes nothing. A second row for a person already read (the same person
// id, or the same names and date of birth in the same family) is refused as
// an invalid row is, never written over the first. An unreadable file, a missing required column or
// a database failure is an Error, with nothing written.
Result<ImportReport> import_csv(Store& store, const ImportOptions& opt);

}  // namespace sfcohort

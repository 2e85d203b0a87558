// Lookups as `sfcohort lookup` runs them: audited, and in the machine-readable
// forms of its output contract. Mostly the bulk lookup: every row of a CSV
// file looked up in the cohort, the results written as CSV or JSON Lines,
// one audit entry for the whole run (`lookup --batch` as a library call).
// Also a single lookup with its audit entry, and its JSON form.
//
// Input: a table (sfcohort/table.hpp) whose header has columns for surname
// and dob (also given_name, preferred_name, postcode and house; other
// columns are carried through), then one person per row. Output, one row per input row in input
// order: the input's columns (one named like an output column becomes input_<name>), then match,
// score, family_id, person_id, candidates, why, household and status (the matched person's family:
// active, or closed when it has left the programme; empty when nothing matched), for the best match
// at or above the minimum band. A row that cannot be read, has the wrong number of fields, or holds
// a date of birth or postcode that is not valid is answered match "error", with why naming the
// field and the problem; one with a bad date or postcode is still looked up on its other fields
// (why says so, and gives that answer), the others are not. Such rows are counted as errors, and
// the run goes on.
//
// The lookups run on two worker threads. A run long enough to pay for it
// (CohortIndex::rows_to_pay_off) first loads the cohort into a CohortIndex
// and then reads nothing more from the database; a shorter one looks up
// through one database connection per worker, opened from the store's
// context. An in-memory store cannot be opened a second time, so a run over
// one always uses a CohortIndex (its answers are the same).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sfcohort/context.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {

enum class BatchFormat {
  kCsv,    // a header row, then one CSV record per input row
  kJsonl,  // one JSON object per input row: schema, row, input {...}, result {...}
  kXlsx,   // an Excel workbook (to a file only): the CSV's columns, the header frozen,
           // score and candidates as numbers, a date of birth as a date
};

// The "schema" of every JSON Lines record of a batch; the record is
// described by schemas/batch-record.schema.json (its $id ends so).
inline constexpr const char* kJsonlSchema = "sfcohort.batch.v1";

// How far a run has read its input.
struct BatchProgress {
  uint64_t rows = 0;         // data rows read
  uint64_t bytes_read = 0;   // of the input
  uint64_t input_bytes = 0;  // the input's size when it is a regular file, else 0
};

struct BatchOptions {
  std::string input = "-";        // the CSV file; "-" is standard input
  std::string output = "-";       // written atomically, mode 0600; "-" is standard output
                                  // (not for kXlsx)
  std::vector<std::string> maps;  // "field=HEADER": columns bound by hand (sfcohort/table.hpp)
  std::string sheet;              // a workbook's sheet by name; "" the first
  bool bom = false;               // CSV output starts with a UTF-8 byte-order mark
  BatchFormat format = BatchFormat::kCsv;
  Band min_band = Band::kPossible;  // kNone is not a band to report (invalid input)
  // What the audit entry names as its subject; "" names the input (its path,
  // or "standard input").
  std::string audit_subject;
  // Called now and then while rows are read (every 256 rows), on the calling
  // thread. May be empty.
  std::function<void(const BatchProgress&)> progress;
};

struct BatchSummary {
  int64_t rows = 0;  // data rows read, readable or not
  int64_t exact = 0, strong = 0, possible = 0, none = 0;
  int64_t unreadable = 0;                // rows that could not be read (also errors)
  std::vector<int64_t> unreadable_rows;  // the first ten unreadable rows' numbers
  // Rows answered match=error: unreadable, of the wrong width, or with a
  // date or postcode that is not valid (not counted in exact ... none).
  int64_t errors = 0;
  std::vector<int64_t> error_rows;  // the first ten, by row number (header = 1)
  std::string sha256;               // hex SHA-256 of every input byte read
  double seconds = 0;               // from the first row read to the output committed
  int64_t blank = 0;                // blank rows skipped (not in rows, not in the output)
  // Which input column fed each field (field, column as written), and the
  // columns the alias table does not know (carried through), as warnings.
  std::vector<std::pair<std::string, std::string>> columns;
  std::vector<std::string> warnings;
};

// Looks up every row of OPT.input in STORE's cohort and writes OPT.output.
// The audit entry (subject OPT.audit_subject; detail mode "batch", rows,
// sha256, unreadable, errors, exact, strong, possible, none) is written before the
// output is renamed into place: on any error neither an output file nor an
// entry is left. Errors: an unreadable input or output, Errc::kEnvironment;
// an empty input, or a header without surname or dob columns,
// Errc::kInvalidInput; a stop requested through request_interrupt(),
// Errc::kInterrupted. STORE must not be used by another thread meanwhile.
Result<BatchSummary> lookup_batch(Store& store, const BatchOptions& opt);
// The same for the database of CTX, opened once the input's header has been
// read (so a bad input is reported before a missing database).
Result<BatchSummary> lookup_batch(const Context& ctx, const BatchOptions& opt);

// One lookup of Q in STORE's cohort, as `sfcohort lookup` makes it, with its
// audit entry (subject: the best match's person id, or ""; detail mode
// "single", the names of the fields given (never their values), band,
// matched, household, candidates). Errors: those of Matcher and the audit.
Result<LookupResult> lookup_audited(Store& store, const Query& q, const LookupOptions& opt);

// A match's why as JSON, field by field ({"given_name":"variant",...}): as
// the JSON Lines output of a batch and a single lookup's JSON both write it.
nlohmann::json why_json(const Why& why);
// A single lookup of Q as JSON, as `lookup --format json` prints it: query,
// warnings, matches (band, score to 4 places, ids, person, why), household
// (family_id, why, people, lead_agency, similar) and candidates.
nlohmann::json lookup_json(const Query& q, const LookupResult& res);

}  // namespace sfcohort

// Tables as people send them: one row source for every file format a
// command reads (CSV, and Excel workbooks: .xlsx, known by their content),
// and the one table of column names (aliases) that
// binds a file's headers to the fields a command needs.
//
// Rows are numbered as a spreadsheet shows them: the header is row 1, the
// first data row is row 2, and blank rows (skipped, counted) keep their
// numbers. A row that cannot be read (a NUL byte, invalid UTF-8, an
// unclosed quote) is returned with its error set, and the source goes on
// with the next row; only a failure of the whole input is an Error.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sfcohort/result.hpp"

namespace sfcohort {

struct TableRow {
  size_t row = 0;  // as a spreadsheet shows it: header = 1
  std::vector<std::string> fields;
  std::string error;  // why the row could not be read; "" when it could
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // The header row's names, as written.
  virtual const std::vector<std::string>& header() const = 0;
  // Reads the next data row into ROW; false at the end. Blank rows and rows
  // of empty cells are skipped (see blank_rows()). Errors: the input cannot
  // be read any more (Errc::kEnvironment), or it is not a table at all.
  virtual Result<bool> next(TableRow& row) = 0;
  virtual size_t blank_rows() const = 0;
  // What messages call the input: its path, or "standard input".
  virtual const std::string& name() const = 0;
  // The workbook's sheet being read, for messages; "" for a text format.
  virtual std::string sheet() const { return {}; }
  // Bytes of the input read so far, for progress.
  virtual uint64_t bytes_read() const = 0;
  // Reads what is left without parsing it, so an observer sees every byte.
  virtual void drain() = 0;
  // The columns that hold dates: a workbook's plain number there (a date
  // whose cell lost its date format) is read as an Excel serial number.
  // Text formats ignore it.
  virtual void set_date_columns(const std::vector<int>& columns) { (void)columns; }
};

struct TableOptions {
  // Sees every block of bytes read, in order (the audit trail hashes the
  // input as it streams).
  std::function<void(std::string_view bytes)> observer;
  // A workbook's sheet to read, by name; "" is the first sheet. Naming one
  // for a CSV file is an error.
  std::string sheet;
};

// Opens PATH ("-": standard input) and reads its header. A file that starts
// as a zip archive does is read as an Excel workbook (sfcohort/xlsx.hpp):
// the first sheet or OPT.sheet, rows numbered as Excel shows them, a cell
// that cannot be read an error for its row; anything else as CSV
// (sfcohort/csv.hpp). A workbook is read from a file, not standard input.
// Errors: unreadable (Errc::kEnvironment); not a table, no header row, a
// damaged workbook or no such sheet (Errc::kInvalidInput, naming the file
// and the sheet).
Result<std::unique_ptr<RowSource>> open_table(const std::string& path,
                                              const TableOptions& opt = {});

// Every field a table column may feed, with the header names each is known
// by, as man/sfcohort-import.1 lists them. Names match ignoring case,
// spaces, '_', '-' and '.'.
struct ColumnAlias {
  std::string_view field;
  std::vector<std::string_view> names;
};
const std::vector<ColumnAlias>& column_aliases();

// HEADER folded for matching ("Date of Birth" -> "dateofbirth").
std::string fold_column_name(std::string_view header);

// The field HEADER names by the alias table, or "" when it names none.
std::string_view field_for_column(std::string_view header);

// Which column feeds which field.
class ColumnMap {
 public:
  // Binds the columns of HEADER (of the input FILE) to the fields in FIELDS.
  // MAPS ("field=HEADER") come first and override the alias table. Errors
  // (Errc::kInvalidInput, subject kColumns): a map that is not field=HEADER,
  // names a field not in FIELDS or a header not in the file; two columns for
  // one field; a field of REQUIRED without a column (the message lists the
  // headers found and the nearest known name).
  static Result<ColumnMap> bind(const std::vector<std::string>& header,
                                const std::vector<std::string_view>& fields,
                                const std::vector<std::string_view>& required,
                                const std::vector<std::string>& maps, const std::string& file);
  // The column of FIELD, or -1.
  int index(std::string_view field) const;
  // (field, header) for every field with a column, in the order of FIELDS.
  const std::vector<std::pair<std::string, std::string>>& sources() const { return sources_; }
  // Columns feeding no field, by position.
  const std::vector<size_t>& unused() const { return unused_; }
  // Of those, the ones the alias table does not know (to warn about).
  const std::vector<size_t>& unknown() const { return unknown_; }

 private:
  std::vector<std::pair<std::string, int>> index_;
  std::vector<std::pair<std::string, std::string>> sources_;
  std::vector<size_t> unused_, unknown_;
};

}  // namespace sfcohort

// CSV as the contract defines it: RFC 4180 (quoted fields may hold commas,
// quotes and newlines), LF or CRLF, an optional UTF-8 byte-order mark, and
// Windows-1252 text from Excel decoded to UTF-8 (unless the file has shown
// itself to be UTF-8, by a byte-order mark or an earlier valid non-ASCII
// field: then invalid UTF-8 is an error for its row). Read as a stream with
// bounded memory: a record longer than kMaxRecordBytes is refused, not
// buffered. Most callers read through RowSource (sfcohort/table.hpp).
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/table.hpp"

namespace sfcohort {

class CsvReader {
 public:
  static constexpr size_t kMaxRecordBytes = 1 << 20;

  // Called with every block of bytes read, in order: lets a caller hash the
  // input as it streams (the audit trail records its SHA-256).
  using Observer = std::function<void(std::string_view bytes)>;

  // Opens PATH ("-" for standard input); name() is what errors call it (PATH,
  // or "standard input"). OBSERVER, if set, sees every byte read.
  static Result<CsvReader> open(const std::string& path, Observer observer = {});

  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;
  ~CsvReader();

  // Reads the next record into ROW; false at the end of the input. Blank
  // records and records of empty fields are skipped and counted, except
  // before the header. A record that cannot be read (too long, a NUL byte or
  // control character, invalid UTF-8, text after a closing quote) comes back
  // with ROW.error set; a quote not closed where the record should end is an
  // error for its first line, and reading goes on at the next line. Errors:
  // an I/O error, or a first record that shows the input is not text (then
  // fatal()).
  Result<bool> read(TableRow& row);
  // The same, with a row's problem as an Error naming the file and row.
  Result<bool> next(std::vector<std::string>& fields);
  bool fatal() const;

  // The row number of the record last returned, as a spreadsheet shows it
  // (the header is row 1), and the blank records skipped so far.
  size_t record_number() const;
  size_t blank_records() const;
  const std::string& name() const;
  // Reads what is left of the input without parsing it, so the observer has
  // seen all of it (after an early stop).
  void drain();
  // Bytes read so far, for progress.
  uint64_t bytes_read() const;

 private:
  struct Impl;
  explicit CsvReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The field HEADER names in the alias table (sfcohort/table.hpp), else
// HEADER folded the same way ("School Name" -> "schoolname").
std::string canonical_column(std::string_view header);

// Appends FIELDS as one CSV record (CRLF-free, LF-terminated) to OUT, quoting
// where needed and guarding against formula injection: a field that begins
// with =, +, -, @, tab or carriage return gets a leading '.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);
std::string csv_field(std::string_view v);

}  // namespace sfcohort

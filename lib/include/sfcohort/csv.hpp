// CSV as the contract defines it: RFC 4180 (quoted fields may hold commas,
// quotes and newlines), LF or CRLF, an optional UTF-8 byte-order mark, and
// Windows-1252 text from Excel decoded to UTF-8. Read as a stream with
// bounded memory: a record longer than kMaxRecordBytes is refused, not
// buffered.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sfcohort/result.hpp"

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

  // Reads the next record into FIELDS; false at the end of the input. An
  // error for one record (too long, unterminated quote, binary data) names
  // its row; the reader then stands at the next record, so a caller may note
  // it and go on, unless fatal() (an I/O error, or nothing more to read).
  Result<bool> next(std::vector<std::string>& fields);
  bool fatal() const;

  // The number of the record last returned: 0 for the header, then data rows
  // from 1, as the contract counts them.
  size_t record_number() const;
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

// Header names matched as the contract says: case-insensitive, ignoring
// spaces, '_' and '-', with aliases (forename -> given_name, post_code ->
// postcode, ...). Unknown names are returned folded the same way.
std::string canonical_column(std::string_view header);

// Column positions by canonical name.
class CsvColumns {
 public:
  explicit CsvColumns(const std::vector<std::string>& header);
  // Position of the canonical column NAME, or -1.
  int index(std::string_view name) const;
  const std::vector<std::string>& canonical() const { return canonical_; }
  const std::vector<std::string>& original() const { return original_; }

 private:
  std::vector<std::string> canonical_, original_;
};

// Appends FIELDS as one CSV record (CRLF-free, LF-terminated) to OUT, quoting
// where needed and guarding against formula injection: a field that begins
// with =, +, -, @, tab or carriage return gets a leading '.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);
std::string csv_field(std::string_view v);

}  // namespace sfcohort

// Excel workbooks (.xlsx, Office Open XML). Reading is reached through
// open_table() (sfcohort/table.hpp), which knows a workbook by its content;
// this header holds the conversions the reader makes of a cell, and the
// writer of the one-sheet workbooks sfcohort gives people to open in Excel.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::xlsx {

// The most rows a worksheet holds (Excel's limit), the header included.
inline constexpr size_t kMaxRows = 1048576;

// The zero-based column of a cell reference ("C5" -> 2, "AA1" -> 26), or -1
// when REF does not start with column letters; its row ("C5" -> 5), or 0.
int column_of(std::string_view ref);
size_t row_of(std::string_view ref);
// The letters of zero-based column COL (2 -> "C").
std::string column_name(int col);

// True when a number format shows a date: the built-in formats 14-22 and
// 45-47, or a format code with a day, month or year part (d, m with d or y,
// y) outside quotes and [...] sections. A time-only code is not a date.
bool is_date_format(int id, std::string_view code);

// The date of serial number VALUE (as a cell's <v> holds it) in the 1900
// date system (serial 1 is 1900-01-01; Excel's 1900-02-29, serial 60, is
// refused) or the 1904 one, as YYYY-MM-DD. A time of day other than
// midnight is kept as " HH:MM" after the date (no date field accepts it).
// Errors: not a number, or before the system's first day or after 9999.
Result<std::string> serial_to_date(std::string_view value, bool date1904);
// The serial number of D in the 1900 date system.
double date_serial(const Date& d);
// A number cell's value as a person reads it: "12", not "12.0" or "1.2E1";
// fractions to 15 significant digits.
std::string number_text(std::string_view value);
// Decodes the _xHHHH_ escapes of OOXML text (Excel writes a carriage return
// as _x000D_).
std::string unescape_text(std::string_view text);

// Writes a one-sheet workbook for people to open: the header row bold and
// frozen, text as text cells (a value starting with =, +, - or @ is a string,
// never a formula), numbers as numbers and dates as Excel dates shown
// YYYY-MM-DD. Rows stream to disk (libxlsxwriter's constant-memory mode).
// The workbook is written beside PATH and renamed over it only by commit();
// destroyed without commit(), it leaves nothing.
class Writer {
 public:
  enum class Kind {
    kText,    // always a text cell
    kNumber,  // a number when the value is one, else text
    kDate,    // an Excel date when the value is a date parse_date() reads, else text
  };

  // Starts the workbook for PATH (a file, not "-"), its sheet named SHEET.
  // Errors: the folder cannot be written (Errc::kEnvironment).
  static Result<Writer> create(const std::string& path, const std::string& sheet);
  Writer(Writer&&) noexcept;
  Writer& operator=(Writer&&) = delete;
  ~Writer();

  // The header row (first, once), and the kind of each column (text when
  // KINDS is shorter).
  Status header(const std::vector<std::string>& names, std::vector<Kind> kinds = {});
  // One data row. Errors (Errc::kInvalidInput): more rows than a worksheet
  // holds, a value longer than a cell holds (32,767 characters).
  Status row(const std::vector<std::string>& fields);
  size_t rows() const;  // data rows written
  // Finishes the workbook and renames it into place (fsynced).
  Status commit();
  // Finishes the workbook and returns its bytes instead (nothing is left on
  // disk): for a workbook that is sealed rather than written.
  Result<std::string> take();

 private:
  struct Impl;
  explicit Writer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfcohort::xlsx

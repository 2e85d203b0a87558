// Parsing and normalising the values people type: dates, UK postcodes, sex
// codes and free-text names. Used by import, nominations and lookup alike, so
// every command accepts exactly the same forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sfcohort/result.hpp"

namespace sfcohort {

struct Date {
  int year = 0, month = 0, day = 0;
  std::string iso() const;  // YYYY-MM-DD
  int days() const;         // days since 1970-01-01 (may be negative)
  static Date from_days(int days);
  bool operator==(const Date&) const = default;
  auto operator<=>(const Date&) const = default;
};

// True for a real calendar date (leap years included), years 1800–2200.
bool is_valid_date(int year, int month, int day);

// Accepts YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY, DD-MM-YYYY, DD.MM.YYYY (never
// month first). Two-digit years and impossible dates are refused with a
// message such as "'31/02/2010' is not a date".
Result<Date> parse_date(std::string_view text);

// The parts of a date as written, even when it is not a real date
// (e.g. 31/02/2010 gives 2010, 2, 31); empty when the text has no
// recognisable day, month and year. Lookup compares these.
std::optional<Date> parse_date_lenient(std::string_view text);

struct Postcode {
  std::string outward;                                                        // "HD1", "WF13"
  std::string inward;                                                         // "2AB"
  std::string unit() const { return outward + " " + inward; }                 // "HD1 2AB"
  std::string sector() const { return outward + " " + inward.substr(0, 1); }  // "HD1 2"
  const std::string& district() const { return outward; }                     // "HD1"
  std::string area() const;                                                   // "HD"
};

// A valid UK postcode in any case and spacing ("hd12ab", " HD1 2AB "), by the
// real format rules (areas, district and inward letter restrictions, GIR 0AA).
// Refused with "'HD1 2CC' is not a valid UK postcode".
Result<Postcode> parse_postcode(std::string_view text);
// Whether TEXT is shaped like a postcode, valid or not: five to seven
// letters and digits, at least two of each, and nothing else
// but spaces ('H5D 7XB', a typo of 'HD5 7XB', is; 'N/A' and '12' are not).
bool shaped_like_postcode(std::string_view text);
// Upper case with every character but A-Z and 0-9 removed: "hd1-2ab" -> "HD12AB".
std::string postcode_compact(std::string_view text);

// "M", "F", "X", "U" or "" from any case ("m", " f "); anything else refused.
Result<std::string> parse_sex(std::string_view text);

// Trims ASCII and Unicode spaces at both ends and folds runs of white space
// inside to one space. Refuses control characters and invalid UTF-8.
Result<std::string> clean_name(std::string_view text);

std::string trim(std::string_view s);
std::string to_upper_ascii(std::string_view s);
// Upper case by Unicode's rules, for showing a surname: "Wójcik" -> "WÓJCIK".
// Bytes that are not UTF-8 are kept as they are.
std::string to_upper(std::string_view s);
std::string to_lower_ascii(std::string_view s);
bool is_valid_utf8(std::string_view s);
// Appends code point CP (below 0x10000) to OUT as UTF-8.
void append_utf8(std::string& out, uint32_t cp);
// Decodes Windows-1252 (what Excel saves as "CSV") to UTF-8.
std::string cp1252_to_utf8(std::string_view s);

// Age in whole years on ON.
int age_on(const Date& dob, const Date& on);

// Optimal-string-alignment distance between A and B in bytes (Levenshtein
// with adjacent transpositions), stopping early: MAX+1 once it exceeds MAX.
// Strings over 64 bytes are only told equal (0) or not (MAX+1).
int edit_distance(std::string_view a, std::string_view b, int max = 3);

}  // namespace sfcohort

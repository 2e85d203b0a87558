// What `check` and `nominate` share: the text explanation of an eligibility
// outcome, and the width of text in a terminal (for aligned columns).
#pragma once

#include <map>
#include <string>

#include "sfcohort/criteria.hpp"

namespace sfcohort::cli {

// The width of UTF-8 text in a terminal's columns (one per code point), and
// S padded with spaces to W columns (left as it is when wider).
size_t width(const std::string& s);
std::string pad(const std::string& s, size_t w);

// The header line: "kirklees-2015 (2 or more of 6) as of 2018-05-01:
// ELIGIBLE — criteria 2, 5 met".
std::string outcome_headline(const criteria::Outcome& o, const std::string& summary);

// The headline, then one line per criterion (met first) with its reasons,
// then notes. NAMES maps member ids to the names shown.
std::string outcome_text(const criteria::Outcome& o, const std::string& summary,
                         const std::map<std::string, std::string>& names);

}  // namespace sfcohort::cli

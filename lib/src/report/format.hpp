// What the report's renderers share: counts as people read them.
#pragma once

#include <cstdint>
#include <string>

namespace sfcohort::report {

// 12,345: thousands separated.
inline std::string commas(int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace sfcohort::report

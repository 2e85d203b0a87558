// Small helpers for reading JSON documents people write by hand (criteria
// sets, nominations): parse errors with a line and column, strict key
// checks and typed getters whose errors name the JSON path. Private to
// lib/src.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "sfcohort/result.hpp"

namespace sfcohort::json_util {

// Parses TEXT; a syntax error is kInvalidInput "LABEL: not valid JSON at
// line L, column C: ...". A UTF-8 byte-order mark is skipped.
Result<nlohmann::json> parse(const std::string& text, const std::string& label);

// "PATH.KEY", or "KEY" when PATH is empty (the document's top level).
std::string join(const std::string& path, const std::string& key);

// Refuses a key of object J not in ALLOWED: "PATH.key: unknown key 'key'".
Status only_keys(const nlohmann::json& j, const std::string& path,
                 std::initializer_list<std::string> allowed);

// J[KEY] as an integer >= MIN; errors name PATH.KEY.
Result<int> get_int(const nlohmann::json& j, const std::string& key, const std::string& path,
                    int min);

}  // namespace sfcohort::json_util

#include "base/json_util.hpp"

#include <algorithm>
#include <cmath>

namespace sfcohort::json_util {

using nlohmann::json;

Result<json> parse(const std::string& text, const std::string& label) {
  std::string_view body(text);
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  try {
    return json::parse(body.begin(), body.end());
  } catch (const json::parse_error& e) {
    // Turn nlohmann's byte offset into the line and column an editor shows.
    size_t at = std::min(e.byte == 0 ? 0 : e.byte - 1, body.size());
    int line = 1, col = 1;
    for (size_t i = 0; i < at; ++i) {
      if (body[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    if (auto p = what.find(": syntax error"); p != std::string::npos) {
      what = what.substr(p + 2);
    } else if (auto q = what.find("] "); q != std::string::npos) {
      what = what.substr(q + 2);
    }
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return invalid_input(label + ": empty file, expected JSON");
    }
    return invalid_input(label + ": not valid JSON at line " + std::to_string(line) + ", column " +
                         std::to_string(col) + ": " + what);
  } catch (const json::out_of_range& e) {
    // A number no double holds (1e309): nlohmann says which, not where.
    std::string what = e.what();
    if (auto q = what.find("] "); q != std::string::npos) what = what.substr(q + 2);
    return invalid_input(label + ": not valid JSON: " + what);
  }
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

Status only_keys(const json& j, const std::string& path,
                 std::initializer_list<std::string> allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return Error(Errc::kInvalidInput, join(path, it.key()) + ": unknown key '" + it.key() + "'",
                   {"the keys allowed here are: " + list});
    }
  }
  return Ok{};
}

Result<int> get_int(const json& j, const std::string& key, const std::string& path, int min) {
  const std::string p = join(path, key);
  if (!j.contains(key)) return invalid_input(p + ": missing");
  const json& v = j[key];
  if (!v.is_number()) return invalid_input(p + ": expected a whole number");
  double d = v.get<double>();
  if (d != std::floor(d) || d < min || d > 1e6) {
    return invalid_input(p + ": expected a whole number of at least " + std::to_string(min));
  }
  return static_cast<int>(d);
}

}  // namespace sfcohort::json_util

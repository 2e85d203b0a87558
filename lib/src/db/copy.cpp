// The backend-neutral parts of bulk transfer (db/sql.hpp): COPY's binary
// tuples read into a CopyRow, fields written in COPY's text format, and the
// SQLite connection's answer that it has no COPY.
#include <cstring>

#include "db/sql.hpp"

namespace sfcohort::sql {
namespace {

uint64_t big_endian(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}

}  // namespace

int64_t CopyRow::int64(int col) const {
  const std::string_view v = cols_[static_cast<size_t>(col)];
  const uint64_t u = big_endian(v.data(), v.size());
  switch (v.size()) {
    case 1:
      return static_cast<int64_t>(u);
    case 2:
      return static_cast<int16_t>(u);
    case 4:
      return static_cast<int32_t>(u);
    case 8:
      return static_cast<int64_t>(u);
    default:
      return 0;
  }
}

// A tuple: a 16-bit count of fields, then each as a 32-bit length (-1 for
// a null) and its bytes.
bool CopyRow::parse(std::string_view data) {
  cols_.clear();
  null_.clear();
  if (data.size() < 2) return false;
  const auto n = static_cast<int16_t>(big_endian(data.data(), 2));
  if (n < 0) return false;
  size_t at = 2;
  for (int i = 0; i < n; ++i) {
    if (data.size() - at < 4) return false;
    const auto len = static_cast<int32_t>(big_endian(data.data() + at, 4));
    at += 4;
    if (len < 0) {
      cols_.emplace_back();
      null_.push_back(true);
      continue;
    }
    if (data.size() - at < static_cast<size_t>(len)) return false;
    cols_.emplace_back(data.data() + at, static_cast<size_t>(len));
    null_.push_back(false);
    at += static_cast<size_t>(len);
  }
  return true;
}

std::string array_literal(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (int64_t v : values) out += (out.size() > 1 ? "," : "") + std::to_string(v);
  return out + '}';
}

std::string array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const std::string& v : values) {
    out += out.size() > 1 ? ",\"" : "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + '}';
}

void copy_field(std::string& row, std::string_view field, bool first) {
  if (!first) row += '\t';
  for (char c : field) {
    switch (c) {
      case '\\':
        row += "\\\\";
        break;
      case '\t':
        row += "\\t";
        break;
      case '\n':
        row += "\\n";
        break;
      case '\r':
        row += "\\r";
        break;
      default:
        row += c;
    }
  }
}

void copy_null(std::string& row, bool first) {
  if (!first) row += '\t';
  row += "\\N";
}

Status Conn::copy_out(std::string_view, const std::function<bool(const CopyRow&)>&) {
  return internal_error("database: COPY is PostgreSQL's, not SQLite's");
}
Status Conn::copy_in(std::string_view, std::string_view) {
  return internal_error("database: COPY is PostgreSQL's, not SQLite's");
}
Status Conn::copy_in_later(Copies copies) {
  for (const auto& [copy_sql, data] : copies) SF_TRY(copy_in(copy_sql, data));
  return Ok{};
}

void Conn::set_before_statement(std::function<Status()>) {}

}  // namespace sfcohort::sql

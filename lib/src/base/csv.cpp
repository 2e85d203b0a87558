#include "sfcohort/csv.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "sfcohort/io.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort {

struct CsvReader::Impl {
  std::FILE* f = nullptr;
  bool owns = false;
  std::string name;
  std::vector<char> buf = std::vector<char>(1 << 16);
  size_t pos = 0, len = 0;
  bool eof = false;
  bool fatal = false;
  bool first = true;
  size_t record = 0;  // records returned so far, header included
  uint64_t bytes = 0;
  Observer observer;

  ~Impl() {
    if (owns && f) std::fclose(f);
  }

  // Returns the next byte, or -1 at end of input / -2 on a read error.
  int get() {
    if (pos == len) {
      if (eof) return -1;
      len = std::fread(buf.data(), 1, buf.size(), f);
      pos = 0;
      if (len == 0) {
        eof = true;
        if (std::ferror(f)) return -2;
        return -1;
      }
      if (observer) observer(std::string_view(buf.data(), len));
      bytes += len;
    }
    return static_cast<unsigned char>(buf[pos++]);
  }
  int peek() {
    int c = get();
    if (c >= 0) --pos;
    return c;
  }
};

CsvReader::CsvReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;
CsvReader::~CsvReader() = default;

Result<CsvReader> CsvReader::open(const std::string& path, Observer observer) {
  auto impl = std::make_unique<Impl>();
  impl->observer = std::move(observer);
  if (path == "-") {
    impl->f = stdin;
    impl->name = "standard input";
  } else {
    impl->f = std::fopen(path.c_str(), "rb");
    if (!impl->f) return errno_error(path, "cannot read");
    impl->owns = true;
    struct stat st;
    if (::fstat(fileno(impl->f), &st) == 0 && S_ISDIR(st.st_mode)) {
      return Error(Errc::kEnvironment, path + ": is a directory, not a CSV file");
    }
    impl->name = path;
  }
  return CsvReader(std::move(impl));
}

bool CsvReader::fatal() const { return impl_->fatal; }
size_t CsvReader::record_number() const { return impl_->record == 0 ? 0 : impl_->record - 1; }
const std::string& CsvReader::name() const { return impl_->name; }
uint64_t CsvReader::bytes_read() const { return impl_->bytes; }

void CsvReader::drain() {
  while (!impl_->eof) {
    impl_->pos = impl_->len;
    if (impl_->get() < 0) break;
  }
}

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  Impl& s = *impl_;
  fields.clear();
  if (s.fatal) return false;
  if (s.first) {
    s.first = false;
    // What the start of the input says about the whole: a spreadsheet or an
    // archive saved under a .csv name, or any file with NUL bytes in its
    // first block, is refused as a whole file rather than row by row.
    if (s.peek() >= 0) {
      std::string_view head(s.buf.data() + s.pos, std::min<size_t>(s.len - s.pos, 8192));
      const char* what = nullptr;
      if (head.starts_with("PK\x03\x04"))
        what =
            "is a zip archive or an Excel workbook, not CSV; save it as 'CSV UTF-8' and try again";
      else if (head.starts_with("\xD0\xCF\x11\xE0"))
        what =
            "is an old-style Excel or Office file, not CSV; save it as 'CSV UTF-8' and try again";
      else if (head.starts_with("\x1F\x8B"))
        what = "is gzip-compressed; decompress it first (gunzip)";
      else if (head.find('\0') != std::string_view::npos)
        what = "holds binary data, not text (is this a CSV file?)";
      if (what) {
        s.fatal = true;
        return invalid_input(s.name + ": " + what);
      }
    }
    // A UTF-8 byte-order mark is not part of the first header name.
    if (s.peek() == 0xEF) {
      s.get();
      if (s.peek() == 0xBB) {
        s.get();
        if (s.peek() == 0xBF) s.get();
      }
    }
  }
  int c = s.peek();
  if (c == -2) {
    s.fatal = true;
    return errno_error(s.name, "cannot read");
  }
  if (c == -1) return false;

  ++s.record;
  const std::string where =
      s.name + ": " +
      (s.record == 1 ? std::string("header") : "row " + std::to_string(s.record - 1));
  std::string field;
  size_t total = 0;
  bool quoted = false, in_quotes = false, after_quote = false;
  std::string problem;
  bool binary = false;

  auto finish_field = [&] {
    if (!is_valid_utf8(field)) field = cp1252_to_utf8(field);
    fields.push_back(std::move(field));
    field.clear();
    quoted = in_quotes = after_quote = false;
  };

  for (;;) {
    c = s.get();
    if (c == -2) {
      s.fatal = true;
      return errno_error(s.name, "cannot read");
    }
    if (c == -1) {
      if (in_quotes) {
        s.fatal = true;
        return invalid_input(where + ": a quoted field is not closed before the end of the file");
      }
      break;
    }
    ++total;
    if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') binary = true;
    if (total > kMaxRecordBytes && problem.empty()) {
      problem = "is longer than 1 MiB (is this a CSV file?)";
    }
    if (in_quotes) {
      if (c == '"') {
        if (s.peek() == '"') {
          s.get();
          if (problem.empty()) field += '"';
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else if (problem.empty()) {
        field += static_cast<char>(c);
      }
      continue;
    }
    if (c == ',') {
      if (problem.empty()) finish_field();
      continue;
    }
    if (c == '\n') break;
    if (c == '\r') {
      if (s.peek() == '\n') s.get();
      break;
    }
    if (c == '"' && field.empty() && !quoted && !after_quote) {
      quoted = in_quotes = true;
      continue;
    }
    if (after_quote && problem.empty()) {
      problem = "has text after a closing quote";
    }
    if (problem.empty()) field += static_cast<char>(c);
  }
  if (binary)
    return invalid_input(where + ": holds control characters or binary data (is this a CSV file?)");
  if (!problem.empty()) return invalid_input(where + ": " + problem);
  finish_field();
  return true;
}

std::string canonical_column(std::string_view header) {
  std::string k;
  for (char c : trim(header)) {
    if (c == ' ' || c == '_' || c == '-') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    k += c;
  }
  struct Alias {
    std::string_view from, to;
  };
  static constexpr Alias kAliases[] = {
      {"givenname", "given_name"},
      {"forename", "given_name"},
      {"firstname", "given_name"},
      {"given", "given_name"},
      {"middlenames", "middle_names"},
      {"middlename", "middle_names"},
      {"surname", "surname"},
      {"lastname", "surname"},
      {"familyname", "surname"},
      {"dob", "dob"},
      {"dateofbirth", "dob"},
      {"birthdate", "dob"},
      {"postcode", "postcode"},
      {"house", "house"},
      {"housenumber", "house"},
      {"houseno", "house"},
      {"housename", "house"},
      {"number", "house"},
      {"familyid", "family_id"},
      {"family", "family_id"},
      {"personid", "person_id"},
      {"person", "person_id"},
      {"joinedon", "joined_on"},
      {"sex", "sex"},
      {"role", "role"},
      {"address", "address"},
      {"leadagency", "lead_agency"},
      {"leadcontact", "lead_contact"},
  };
  for (const auto& a : kAliases) {
    if (k == a.from) return std::string(a.to);
  }
  return k;
}

CsvColumns::CsvColumns(const std::vector<std::string>& header) : original_(header) {
  canonical_.reserve(header.size());
  for (const auto& h : header) canonical_.push_back(canonical_column(h));
}

int CsvColumns::index(std::string_view name) const {
  for (size_t i = 0; i < canonical_.size(); ++i) {
    if (canonical_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string csv_field(std::string_view v) {
  std::string s;
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    s = "'";
  }
  s.append(v);
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  out += '\n';
}

}  // namespace sfcohort

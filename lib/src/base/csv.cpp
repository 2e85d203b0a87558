#include "sfcohort/csv.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
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
  size_t rownum = 0;  // spreadsheet row of the record last returned (header = 1)
  size_t width = 0;   // fields in the header
  std::vector<std::string> header;
  size_t blank = 0;
  bool utf8 = false;  // a byte-order mark or a valid non-ASCII field was seen
  uint64_t bytes = 0;
  Observer observer;
  // After an unclosed quote, the bytes from the end of its first line are
  // read again (replay); while a quoted field runs over a line end, the bytes
  // read are kept (raw) in case that happens.
  std::string replay;
  size_t replay_pos = 0;
  std::string raw;
  bool recording = false;

  ~Impl() {
    if (owns && f) std::fclose(f);
  }

  // Returns the next byte, or -1 at end of input / -2 on a read error.
  int get() {
    int c;
    if (replay_pos < replay.size()) {
      c = static_cast<unsigned char>(replay[replay_pos++]);
      if (replay_pos == replay.size()) replay.clear(), replay_pos = 0;
    } else {
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
      c = static_cast<unsigned char>(buf[pos++]);
    }
    if (recording) raw += static_cast<char>(c);
    return c;
  }
  int peek() {
    if (replay_pos < replay.size()) return static_cast<unsigned char>(replay[replay_pos]);
    if (pos == len) {
      const bool rec = recording;
      recording = false;
      int c = get();
      recording = rec;
      if (c >= 0) --pos;
      return c;
    }
    return static_cast<unsigned char>(buf[pos]);
  }
  // Reads the bytes kept since the quoted field's first line end again.
  void resync() {
    replay = raw + replay.substr(replay_pos);
    replay_pos = 0;
    raw.clear();
    recording = false;
  }

  Status check_start();
  // Makes FIELD UTF-8: Windows-1252 decoded until the input has shown itself
  // to be UTF-8. False (FIELD emptied) for bytes that are not valid UTF-8 in
  // a UTF-8 input.
  bool decode(std::string& field) {
    if (is_valid_utf8(field)) {
      if (!utf8)
        for (char ch : field)
          if (static_cast<unsigned char>(ch) >= 0x80) utf8 = true;
      return true;
    }
    if (utf8) {
      field.clear();
      return false;
    }
    field = cp1252_to_utf8(field);
    return true;
  }
  // Parses one record into ROW (error set for a bad one); false at the end.
  Result<bool> record(TableRow& row);
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
size_t CsvReader::record_number() const { return impl_->rownum; }
size_t CsvReader::blank_records() const { return impl_->blank; }
const std::string& CsvReader::name() const { return impl_->name; }
uint64_t CsvReader::bytes_read() const { return impl_->bytes; }

void CsvReader::drain() {
  impl_->replay.clear();
  impl_->replay_pos = 0;
  while (!impl_->eof) {
    impl_->pos = impl_->len;
    if (impl_->get() < 0) break;
  }
}

// What the start of the input says about the whole: a spreadsheet or an
// archive saved under a .csv name is refused as a whole file.
Status CsvReader::Impl::check_start() {
  if (peek() < 0) return Ok{};
  std::string_view head(buf.data() + pos, std::min<size_t>(len - pos, 8));
  const char* what = nullptr;
  if (head.starts_with("PK\x03\x04"))
    what =
        "is a zip archive or an Excel workbook: a workbook is read from a file, not standard "
        "input";
  else if (head.starts_with("\xD0\xCF\x11\xE0"))
    what = "is an old-style Excel or Office file, not CSV; save it as 'CSV UTF-8' and try again";
  else if (head.starts_with("\x1F\x8B"))
    what = "is gzip-compressed; decompress it first (gunzip)";
  if (what) {
    fatal = true;
    return invalid_input(name + ": " + what);
  }
  // A UTF-8 byte-order mark is not part of the first header name.
  if (peek() == 0xEF) {
    get();
    if (peek() == 0xBB) {
      get();
      if (peek() == 0xBF) get();
    }
    utf8 = true;
  }
  return Ok{};
}

namespace {

std::string control_byte(int c) {
  if (c == 0) return " holds a NUL byte";
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(c));
  return std::string(" holds a control character (") + hex + ")";
}

bool all_blank(const std::vector<std::string>& fields) {
  for (const auto& f : fields)
    for (char c : f)
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

}  // namespace

Result<bool> CsvReader::Impl::record(TableRow& row) {
  row.fields.clear();
  row.error.clear();
  int c = peek();
  if (c == -2) {
    fatal = true;
    return errno_error(name, "cannot read");
  }
  if (c == -1) return false;
  ++rownum;
  row.row = rownum;
  std::string field;
  size_t total = 0;
  bool quoted = false, in_quotes = false, after_quote = false, spanned = false;
  // A problem in one field (a NUL byte, a control character, invalid UTF-8)
  // empties that field and leaves the others; one of the record's shape
  // (too long, text after a closing quote) leaves no field (broken).
  std::string problem;
  bool broken = false, bad_field = false;
  auto note = [&](std::string p) {
    if (problem.empty()) problem = std::move(p);
  };
  auto column = [&] {
    size_t i = row.fields.size();
    return i < header.size() && !header[i].empty() ? "'" + header[i] + "'"
                                                   : "column " + std::to_string(i + 1);
  };
  auto finish_field = [&] {
    if (bad_field) {
      field.clear();
      bad_field = false;
    } else if (!decode(field)) {
      note(column() + " holds bytes that are not valid UTF-8");
    }
    row.fields.push_back(std::move(field));
    field.clear();
    quoted = in_quotes = after_quote = false;
  };
  auto unclosed = [&] {
    resync();
    row.fields.clear();
    row.error = "a quoted field is not closed on its line (reading goes on at the next line)";
    return true;
  };

  for (;;) {
    c = get();
    if (c == -2) {
      fatal = true;
      return errno_error(name, "cannot read");
    }
    if (c == -1) {
      if (in_quotes) {
        if (spanned) return unclosed();
        recording = false;
        row.error = "a quoted field is not closed before the end of the file";
        return true;
      }
      break;
    }
    ++total;
    if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') {
      note(column() + control_byte(c));
      bad_field = true;
    }
    if (total > kMaxRecordBytes && !broken) {
      if (spanned) return unclosed();
      note("is longer than 1 MiB (is this a CSV file?)");
      broken = true;
    }
    if (in_quotes) {
      if (c == '"') {
        if (peek() == '"') {
          get();
          if (!broken) field += '"';
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n' && !spanned) {
          spanned = true;
          raw.clear();
          recording = true;
        }
        if (!broken) field += static_cast<char>(c);
      }
      continue;
    }
    if (c == ',') {
      finish_field();
      continue;
    }
    if (c == '\n') break;
    if (c == '\r') {
      if (peek() == '\n') get();
      break;
    }
    if (c == '"' && field.empty() && !quoted && !after_quote) {
      quoted = in_quotes = true;
      continue;
    }
    if (after_quote) {
      if (spanned) return unclosed();
      note("has text after a closing quote");
      broken = true;
    }
    if (!broken) field += static_cast<char>(c);
  }
  finish_field();
  // A quoted field that ran over a line end into a record of the wrong
  // width most likely lost its closing quote.
  if (spanned && width && row.fields.size() != width && !broken) return unclosed();
  recording = false;
  raw.clear();
  if (broken) row.fields.clear();
  row.error = problem;
  return true;
}

Result<bool> CsvReader::read(TableRow& row) {
  Impl& s = *impl_;
  if (s.fatal) return false;
  if (s.first) {
    s.first = false;
    SF_TRY(s.check_start());
  }
  for (;;) {
    auto got = s.record(row);
    if (!got || !*got) return got;
    if (s.width == 0) {
      // The header: binary data or an unreadable header is not a table.
      if (!row.error.empty()) {
        s.fatal = true;
        if (row.error.find("NUL") != std::string::npos ||
            row.error.find("control character") != std::string::npos)
          return invalid_input(s.name + ": holds binary data, not text (is this a CSV file?)");
        return invalid_input(s.name + ": header: " + row.error);
      }
      if (all_blank(row.fields)) continue;
      s.width = row.fields.size();
      s.header = row.fields;
      return true;
    }
    if (row.error.empty() && all_blank(row.fields)) {
      ++s.blank;
      continue;
    }
    return true;
  }
}

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  TableRow row;
  auto got = read(row);
  if (!got || !*got) {
    fields.clear();
    return got;
  }
  if (!row.error.empty())
    return invalid_input(impl_->name + ": " +
                         (row.row == 1 ? std::string("header") : "row " + std::to_string(row.row)) +
                         ": " + row.error);
  fields = std::move(row.fields);
  return true;
}

std::string canonical_column(std::string_view header) {
  std::string_view f = field_for_column(header);
  return f.empty() ? fold_column_name(header) : std::string(f);
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

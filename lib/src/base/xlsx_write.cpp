// Workbooks through libxlsxwriter in constant-memory mode: each row goes to
// the library's scratch file as it is written, so an output of a million
// rows needs no more memory than one of ten. The workbook itself is written
// to a TempFile beside the target and renamed into place, as AtomicFile
// does for every other output.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cstdio>
#include <optional>

#include "sfcohort/io.hpp"
#include "sfcohort/xlsx.hpp"

namespace sfcohort::xlsx {

struct Writer::Impl {
  std::string path;  // the target
  std::optional<TempFile> tmp;
  std::string tmpdir;  // libxlsxwriter's scratch files (unlinked as made)
  lxw_workbook* wb = nullptr;
  lxw_worksheet* ws = nullptr;
  lxw_format* bold = nullptr;
  lxw_format* date = nullptr;
  std::vector<Kind> kinds;
  size_t next = 0;  // the next row to write, zero-based
  bool closed = false;

  ~Impl() {
    if (wb && !closed) workbook_close(wb);  // frees it; the TempFile is removed after
  }

  Status close() {
    closed = true;
    const lxw_error e = workbook_close(wb);
    wb = nullptr;
    if (e != LXW_NO_ERROR)
      return environment_error(path + ": cannot write the workbook: " + lxw_strerror(e));
    return Ok{};
  }
};

namespace {

// Text as XML may hold it: control characters other than tab and line
// breaks become OOXML's _xHHHH_ escapes, and a literal "_x" is escaped too.
std::string cell_text(const std::string& v) {
  bool plain = true;
  for (unsigned char c : v)
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == '_') plain = false;
  if (plain) return v;
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    char esc[8];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
        (c == '_' && i + 1 < v.size() && v[i + 1] == 'x')) {
      std::snprintf(esc, sizeof esc, "_x%04X_", c);
      out += esc;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Characters (code points) in V, as Excel counts a cell's length.
size_t chars(const std::string& v) {
  size_t n = 0;
  for (unsigned char c : v) n += (c & 0xC0) != 0x80;
  return n;
}

bool as_number(const std::string& v, double& x) {
  if (v.empty() || v.size() > 24) return false;
  char* end = nullptr;
  x = std::strtod(v.c_str(), &end);
  // Only plain decimals: "1e3", "0x1F", " 12" and "inf" stay text.
  for (char c : v)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  return end == v.c_str() + v.size() && v != "-" && v != ".";
}

}  // namespace

Writer::Writer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Writer::Writer(Writer&&) noexcept = default;
Writer::~Writer() = default;

Result<Writer> Writer::create(const std::string& path, const std::string& sheet) {
  if (path.empty() || path == "-")
    return invalid_input("an Excel workbook is written to a file, not to standard output");
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  auto tmp = TempFile::create(TempFile::folder_of(path), ".sfcohort-xlsx");
  if (!tmp) return tmp.error();
  impl->tmp.emplace(std::move(*tmp));
  impl->tmp->close();
  impl->tmpdir = TempFile::folder_of(path);
  lxw_workbook_options o{};
  o.constant_memory = LXW_TRUE;
  o.tmpdir = impl->tmpdir.data();
  o.use_zip64 = LXW_TRUE;
  impl->wb = workbook_new_opt(impl->tmp->path().c_str(), &o);
  if (!impl->wb) return errno_error(path, "cannot create");
  impl->ws = workbook_add_worksheet(impl->wb, sheet.c_str());
  if (!impl->ws) return internal_error("cannot add the worksheet '" + sheet + "'");
  impl->bold = workbook_add_format(impl->wb);
  format_set_bold(impl->bold);
  impl->date = workbook_add_format(impl->wb);
  format_set_num_format(impl->date, "yyyy-mm-dd");
  return Writer(std::move(impl));
}

Status Writer::header(const std::vector<std::string>& names, std::vector<Kind> kinds) {
  Impl& s = *impl_;
  s.kinds = std::move(kinds);
  s.kinds.resize(names.size(), Kind::kText);
  // Column widths must be set before any row in constant-memory mode.
  for (size_t c = 0; c < names.size(); ++c) {
    const double width = s.kinds[c] == Kind::kDate ? 11 : std::max<size_t>(names[c].size() + 2, 9);
    worksheet_set_column(s.ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                         s.kinds[c] == Kind::kDate ? s.date : nullptr);
  }
  worksheet_freeze_panes(s.ws, 1, 0);
  for (size_t c = 0; c < names.size(); ++c) {
    const lxw_error e = worksheet_write_string(s.ws, 0, static_cast<lxw_col_t>(c),
                                               cell_text(names[c]).c_str(), s.bold);
    if (e != LXW_NO_ERROR) return invalid_input(s.path + ": header: " + lxw_strerror(e));
  }
  s.next = 1;
  return Ok{};
}

Status Writer::row(const std::vector<std::string>& fields) {
  Impl& s = *impl_;
  if (s.next >= kMaxRows)
    return invalid_input(s.path + ": more rows than an Excel worksheet holds (1,048,576)");
  const auto r = static_cast<lxw_row_t>(s.next);
  for (size_t c = 0; c < fields.size(); ++c) {
    const std::string& v = fields[c];
    if (v.empty()) continue;
    const Kind k = c < s.kinds.size() ? s.kinds[c] : Kind::kText;
    const auto col = static_cast<lxw_col_t>(c);
    // libxlsxwriter does not check a cell's length in constant-memory mode.
    lxw_error e = LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED;
    double x = 0;
    if (v.size() > 32767 && chars(v) > 32767) {
      // refused below
    } else if (k == Kind::kNumber && as_number(v, x)) {
      e = worksheet_write_number(s.ws, r, col, x, nullptr);
    } else if (auto d = k == Kind::kDate ? parse_date(v) : Result<Date>(invalid_input(""))) {
      e = worksheet_write_number(s.ws, r, col, date_serial(*d), s.date);
    } else {
      // Always a string cell: "=1+1" is shown as written, never calculated.
      e = worksheet_write_string(s.ws, r, col, cell_text(v).c_str(), nullptr);
    }
    if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
      return invalid_input(s.path + ": row " + std::to_string(s.next + 1) + ", column " +
                           column_name(static_cast<int>(c)) +
                           ": longer than an Excel cell holds (32,767 characters)");
    if (e != LXW_NO_ERROR)
      return invalid_input(s.path + ": row " + std::to_string(s.next + 1) + ": " + lxw_strerror(e));
  }
  ++s.next;
  return Ok{};
}

size_t Writer::rows() const { return impl_->next ? impl_->next - 1 : 0; }

Status Writer::commit() {
  Impl& s = *impl_;
  SF_TRY(s.close());
  const int fd = ::open(s.tmp->path().c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    errno = err;
    return errno_error(s.path, "cannot write");
  }
  ::close(fd);
  ::chmod(s.tmp->path().c_str(), 0600);
  if (std::rename(s.tmp->path().c_str(), s.path.c_str()) != 0)
    return errno_error(s.path, "cannot write");
  s.tmp->release();
  return Ok{};
}

Result<std::string> Writer::take() {
  Impl& s = *impl_;
  SF_TRY(s.close());
  return read_file(s.tmp->path());
}

}  // namespace sfcohort::xlsx

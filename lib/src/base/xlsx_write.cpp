// Workbooks through libxlsxwriter in constant-memory mode: each row goes to
// the library's scratch file as it is written, so an output of a million
// rows needs no more memory than one of ten. The workbook itself is written
// to a TempFile beside the target and renamed into place, as AtomicFile
// does for every other output.
#include <dlfcn.h>
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
namespace {

// libxlsxwriter, loaded when the first workbook is written rather than
// linked: it links OpenSSL's libcrypto, whose relocation at the start of
// every command was a sixth of a single lookup's time.
constexpr const char* kLibxlsxwriter = "libxlsxwriter.so.4";

struct Libxlsxwriter {
  decltype(&::format_set_bold) format_set_bold;
  decltype(&::format_set_num_format) format_set_num_format;
  decltype(&::lxw_strerror) lxw_strerror;
  decltype(&::workbook_add_format) workbook_add_format;
  decltype(&::workbook_add_worksheet) workbook_add_worksheet;
  decltype(&::workbook_close) workbook_close;
  decltype(&::workbook_new_opt) workbook_new_opt;
  decltype(&::worksheet_freeze_panes) worksheet_freeze_panes;
  decltype(&::worksheet_set_column) worksheet_set_column;
  decltype(&::worksheet_write_number) worksheet_write_number;
  decltype(&::worksheet_write_string) worksheet_write_string;
};

template <typename F>
bool bind(void* lib, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(lib, name));
  return out != nullptr;
}

const Libxlsxwriter* load_libxlsxwriter() {
  void* lib = dlopen(kLibxlsxwriter, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return nullptr;
  static Libxlsxwriter f;
  const bool ok = bind(lib, "format_set_bold", f.format_set_bold) &&
                  bind(lib, "format_set_num_format", f.format_set_num_format) &&
                  bind(lib, "lxw_strerror", f.lxw_strerror) &&
                  bind(lib, "workbook_add_format", f.workbook_add_format) &&
                  bind(lib, "workbook_add_worksheet", f.workbook_add_worksheet) &&
                  bind(lib, "workbook_close", f.workbook_close) &&
                  bind(lib, "workbook_new_opt", f.workbook_new_opt) &&
                  bind(lib, "worksheet_freeze_panes", f.worksheet_freeze_panes) &&
                  bind(lib, "worksheet_set_column", f.worksheet_set_column) &&
                  bind(lib, "worksheet_write_number", f.worksheet_write_number) &&
                  bind(lib, "worksheet_write_string", f.worksheet_write_string);
  return ok ? &f : nullptr;
}

const Libxlsxwriter* libxlsxwriter() {
  static const Libxlsxwriter* const lib = load_libxlsxwriter();
  return lib;
}

// Only after Writer::create() found it loaded.
const Libxlsxwriter& lx() { return *libxlsxwriter(); }

}  // namespace

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
    if (wb && !closed) lx().workbook_close(wb);  // frees it; the TempFile is removed after
  }

  Status close() {
    closed = true;
    const lxw_error e = lx().workbook_close(wb);
    wb = nullptr;
    if (e != LXW_NO_ERROR)
      return environment_error(path + ": cannot write the workbook: " + lx().lxw_strerror(e));
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
  if (!libxlsxwriter()) {
    return Error(
        Errc::kEnvironment,
        path + ": writing workbooks needs " + kLibxlsxwriter + ", which could not be loaded",
        {"install it (Debian: apt-get install libxlsxwriter4)"});
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  auto tmp = TempFile::create(TempFile::folder_of(path), ".sfcohort-xlsx");
  if (!tmp) {
    // Named by the workbook asked for, not by the scratch name nobody chose.
    Error e = std::move(tmp).error();
    if (auto pos = e.message.find(": cannot create"); pos != std::string::npos)
      e.message = path + e.message.substr(pos);
    return e;
  }
  impl->tmp.emplace(std::move(*tmp));
  impl->tmp->close();
  impl->tmpdir = TempFile::folder_of(path);
  lxw_workbook_options o{};
  o.constant_memory = LXW_TRUE;
  o.tmpdir = impl->tmpdir.data();
  o.use_zip64 = LXW_TRUE;
  impl->wb = lx().workbook_new_opt(impl->tmp->path().c_str(), &o);
  if (!impl->wb) return errno_error(path, "cannot create");
  impl->ws = lx().workbook_add_worksheet(impl->wb, sheet.c_str());
  if (!impl->ws) return internal_error("cannot add the worksheet '" + sheet + "'");
  impl->bold = lx().workbook_add_format(impl->wb);
  lx().format_set_bold(impl->bold);
  impl->date = lx().workbook_add_format(impl->wb);
  lx().format_set_num_format(impl->date, "yyyy-mm-dd");
  return Writer(std::move(impl));
}

Status Writer::header(const std::vector<std::string>& names, std::vector<Kind> kinds) {
  Impl& s = *impl_;
  s.kinds = std::move(kinds);
  s.kinds.resize(names.size(), Kind::kText);
  // Column widths must be set before any row in constant-memory mode.
  for (size_t c = 0; c < names.size(); ++c) {
    const double width = s.kinds[c] == Kind::kDate ? 11 : std::max<size_t>(names[c].size() + 2, 9);
    lx().worksheet_set_column(s.ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                              s.kinds[c] == Kind::kDate ? s.date : nullptr);
  }
  lx().worksheet_freeze_panes(s.ws, 1, 0);
  for (size_t c = 0; c < names.size(); ++c) {
    const lxw_error e = lx().worksheet_write_string(s.ws, 0, static_cast<lxw_col_t>(c),
                                                    cell_text(names[c]).c_str(), s.bold);
    if (e != LXW_NO_ERROR) return invalid_input(s.path + ": header: " + lx().lxw_strerror(e));
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
      e = lx().worksheet_write_number(s.ws, r, col, x, nullptr);
    } else if (auto d = k == Kind::kDate ? parse_date(v) : Result<Date>(invalid_input(""))) {
      e = lx().worksheet_write_number(s.ws, r, col, date_serial(*d), s.date);
    } else {
      // Always a string cell: "=1+1" is shown as written, never calculated.
      e = lx().worksheet_write_string(s.ws, r, col, cell_text(v).c_str(), nullptr);
    }
    if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
      return invalid_input(s.path + ": row " + std::to_string(s.next + 1) + ", column " +
                           column_name(static_cast<int>(c)) +
                           ": longer than an Excel cell holds (32,767 characters)");
    if (e != LXW_NO_ERROR)
      return invalid_input(s.path + ": row " + std::to_string(s.next + 1) + ": " +
                           lx().lxw_strerror(e));
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

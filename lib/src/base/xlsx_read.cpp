// Workbooks read as a stream: libzip inflates the sheet's XML in blocks and
// expat parses each block as rows are asked for, so only the rows of one
// block wait in memory whatever the sheet's size. The shared strings are
// held (a cell names them by index), packed into one buffer. The rows'
// cells arrive in any of the forms Excel and other writers use: shared or
// inline strings, numbers (dates among them, by their cell's number
// format), booleans, cached formula results, and cells left out.
#include "base/xlsx_read.hpp"

#include <dlfcn.h>
#include <expat.h>
#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>

#include "sfcohort/io.hpp"
#include "sfcohort/xlsx.hpp"

namespace sfcohort::xlsx {

bool looks_like_zip(std::string_view head) {
  return head.size() >= 4 && head.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

namespace {

// libzip, loaded when the first workbook is opened rather than linked: it
// links OpenSSL's libcrypto, whose relocation at the start of every command
// was a sixth of a single lookup's time. The soname is the one of the
// headers built with.
constexpr const char* kLibzip = "libzip.so.4";

struct Libzip {
  decltype(&::zip_discard) zip_discard;
  decltype(&::zip_error_fini) zip_error_fini;
  decltype(&::zip_error_init_with_code) zip_error_init_with_code;
  decltype(&::zip_error_strerror) zip_error_strerror;
  decltype(&::zip_fclose) zip_fclose;
  decltype(&::zip_file_get_error) zip_file_get_error;
  decltype(&::zip_fopen) zip_fopen;
  decltype(&::zip_fread) zip_fread;
  decltype(&::zip_get_error) zip_get_error;
  decltype(&::zip_open) zip_open;
  decltype(&::zip_stat) zip_stat;
};

template <typename F>
bool bind(void* lib, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(lib, name));
  return out != nullptr;
}

const Libzip* load_libzip() {
  void* lib = dlopen(kLibzip, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return nullptr;
  static Libzip f;
  const bool ok = bind(lib, "zip_discard", f.zip_discard) &&
                  bind(lib, "zip_error_fini", f.zip_error_fini) &&
                  bind(lib, "zip_error_init_with_code", f.zip_error_init_with_code) &&
                  bind(lib, "zip_error_strerror", f.zip_error_strerror) &&
                  bind(lib, "zip_fclose", f.zip_fclose) &&
                  bind(lib, "zip_file_get_error", f.zip_file_get_error) &&
                  bind(lib, "zip_fopen", f.zip_fopen) && bind(lib, "zip_fread", f.zip_fread) &&
                  bind(lib, "zip_get_error", f.zip_get_error) &&
                  bind(lib, "zip_open", f.zip_open) && bind(lib, "zip_stat", f.zip_stat);
  return ok ? &f : nullptr;
}

const Libzip* libzip() {
  static const Libzip* const lib = load_libzip();
  return lib;
}

// Only after XlsxSource::open() found it loaded.
const Libzip& lz() { return *libzip(); }

constexpr size_t kBlock = 1 << 16;
constexpr int kMaxColumns = 16384;

// An element's or attribute's name without its namespace prefix.
std::string_view local(const char* name) {
  std::string_view n(name);
  const size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* attr(const char** atts, std::string_view name) {
  for (size_t i = 0; atts[i]; i += 2)
    if (local(atts[i]) == name) return atts[i + 1];
  return nullptr;
}

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const char** atts) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view) {}
};

// One entry of the archive, parsed a block at a time.
class XmlStream {
 public:
  XmlStream() = default;
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;
  ~XmlStream() { close(); }

  // False when the entry is missing.
  Result<bool> open(zip_t* z, const std::string& entry, std::string what, XmlHandler* h) {
    close();
    what_ = std::move(what);
    zip_stat_t st;
    if (lz().zip_stat(z, entry.c_str(), 0, &st) != 0) return false;
    total_ = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    f_ = lz().zip_fopen(z, entry.c_str(), 0);
    if (!f_) return invalid_input(what_ + ": " + lz().zip_error_strerror(lz().zip_get_error(z)));
    p_ = XML_ParserCreate("UTF-8");
    XML_SetUserData(p_, h);
    XML_SetElementHandler(
        p_,
        [](void* u, const char* n, const char** a) {
          static_cast<XmlHandler*>(u)->start(local(n), a);
        },
        [](void* u, const char* n) { static_cast<XmlHandler*>(u)->end(local(n)); });
    XML_SetCharacterDataHandler(p_, [](void* u, const char* s, int len) {
      static_cast<XmlHandler*>(u)->text(std::string_view(s, static_cast<size_t>(len)));
    });
    done_ = false;
    read_ = 0;
    return true;
  }

  // Parses the next block; false once the entry has been parsed to its end.
  Result<bool> step() {
    if (done_) return false;
    void* buf = XML_GetBuffer(p_, kBlock);
    if (!buf) return internal_error(what_ + ": out of memory parsing XML");
    const zip_int64_t n = lz().zip_fread(f_, buf, kBlock);
    if (n < 0)
      return invalid_input(what_ + ": " + lz().zip_error_strerror(lz().zip_file_get_error(f_)));
    read_ += static_cast<uint64_t>(n);
    done_ = n == 0;
    if (XML_ParseBuffer(p_, static_cast<int>(n), done_) == XML_STATUS_ERROR) {
      return invalid_input(what_ + ": the XML does not parse (line " +
                           std::to_string(XML_GetCurrentLineNumber(p_)) + ": " +
                           XML_ErrorString(XML_GetErrorCode(p_)) + ")");
    }
    return !done_;
  }

  Status parse_all() {
    for (;;) {
      auto more = step();
      if (!more) return more.error();
      if (!*more) return Ok{};
    }
  }
  uint64_t read() const { return read_; }
  uint64_t total() const { return total_; }

 private:
  void close() {
    if (p_) XML_ParserFree(p_);
    if (f_) lz().zip_fclose(f_);
    p_ = nullptr;
    f_ = nullptr;
  }
  zip_file_t* f_ = nullptr;
  XML_Parser p_ = nullptr;
  std::string what_;
  uint64_t read_ = 0, total_ = 0;
  bool done_ = true;
};

// xl/workbook.xml: the sheets in order, and the date system.
struct WorkbookXml : XmlHandler {
  std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id
  bool date1904 = false;
  void start(std::string_view n, const char** a) override {
    if (n == "sheet") {
      const char* name = attr(a, "name");
      const char* id = attr(a, "id");
      sheets.emplace_back(name ? name : "", id ? id : "");
    } else if (n == "workbookPr") {
      const char* d = attr(a, "date1904");
      date1904 = d && (std::strcmp(d, "1") == 0 || std::strcmp(d, "true") == 0);
    }
  }
  void end(std::string_view) override {}
};

// A .rels part: relationship id -> target.
struct RelsXml : XmlHandler {
  std::map<std::string, std::string> targets;
  std::string office_document;
  void start(std::string_view n, const char** a) override {
    if (n != "Relationship") return;
    const char* id = attr(a, "Id");
    const char* target = attr(a, "Target");
    const char* type = attr(a, "Type");
    if (id && target) targets[id] = target;
    if (type && target && std::string_view(type).ends_with("/officeDocument"))
      office_document = target;
  }
  void end(std::string_view) override {}
};

// xl/styles.xml: which cell formats show a date.
struct StylesXml : XmlHandler {
  std::map<int, std::string> codes;
  std::vector<char> date_style;  // by the cell's s attribute
  bool in_xfs = false;
  void start(std::string_view n, const char** a) override {
    if (n == "numFmt") {
      const char* id = attr(a, "numFmtId");
      const char* code = attr(a, "formatCode");
      if (id && code) codes[std::atoi(id)] = code;
    } else if (n == "cellXfs") {
      in_xfs = true;
    } else if (n == "xf" && in_xfs) {
      const char* id = attr(a, "numFmtId");
      const int fmt = id ? std::atoi(id) : 0;
      auto c = codes.find(fmt);
      date_style.push_back(is_date_format(fmt, c == codes.end() ? "" : c->second));
    }
  }
  void end(std::string_view n) override {
    if (n == "cellXfs") in_xfs = false;
  }
};

// xl/sharedStrings.xml, packed: string i is pool[ends[i-1], ends[i]).
struct SharedStrings : XmlHandler {
  std::string pool;
  std::vector<uint64_t> ends;
  std::string cur;
  bool in_t = false, in_rph = false;
  void start(std::string_view n, const char** a) override {
    if (n == "si") {
      cur.clear();
    } else if (n == "t") {
      in_t = !in_rph;
    } else if (n == "rPh") {
      in_rph = true;
    } else if (n == "sst") {
      const char* count = attr(a, "uniqueCount");
      if (count) ends.reserve(std::min<size_t>(std::strtoull(count, nullptr, 10), 1 << 24));
    }
  }
  void end(std::string_view n) override {
    if (n == "t") {
      in_t = false;
    } else if (n == "rPh") {
      in_rph = false;
    } else if (n == "si") {
      pool += unescape_text(cur);
      ends.push_back(pool.size());
    }
  }
  void text_of(size_t i, std::string& out) const {
    const uint64_t from = i ? ends[i - 1] : 0;
    out.assign(pool, from, ends[i] - from);
  }
  void text(std::string_view s) override {
    if (in_t) cur.append(s);
  }
};

// A row as parsed, before the source shapes it.
struct Pending {
  TableRow row;
  std::vector<int> numbers;  // columns holding a number in no date format
  // The first cell that could not be read (its column named once the
  // header is known): what is wrong with it.
  int bad_column = -1;
};

// The worksheet's rows, queued as each block is parsed.
struct SheetXml : XmlHandler {
  const SharedStrings* sst = nullptr;
  const std::vector<char>* date_style = nullptr;
  bool date1904 = false;
  std::deque<Pending> rows;
  bool finished = false;
  int last_column = -2;  // of the sheet's <dimension>: -2 when it has none
  // the row and cell being read
  Pending cur;
  size_t row_no = 0;
  int col = -1, style = 0;
  std::string type, value;
  bool in_row = false, in_value = false, in_is = false, in_rph = false, in_c = false;

  void problem(int c, const std::string& what) {
    if (cur.bad_column >= 0) return;
    cur.bad_column = c;
    cur.row.error = what;
  }

  void start(std::string_view n, const char** a) override {
    if (n == "c" && in_row) {
      in_c = true;
      const char* r = attr(a, "r");
      col = r ? column_of(r) : col + 1;
      const char* t = attr(a, "t");
      type = t ? t : "";
      const char* s = attr(a, "s");
      style = s ? std::atoi(s) : 0;
      value.clear();
    } else if (n == "v" && in_c) {
      in_value = true;
    } else if (n == "is" && in_c) {
      in_is = true;
    } else if (n == "t" && in_is && !in_rph) {
      in_value = true;
    } else if (n == "rPh") {
      in_rph = true;
    } else if (n == "dimension") {
      const char* ref = attr(a, "ref");
      const std::string_view r = ref ? ref : "";
      last_column =
          column_of(r.substr(r.find(':') == std::string_view::npos ? 0 : r.find(':') + 1));
    } else if (n == "row") {
      in_row = true;
      const char* r = attr(a, "r");
      const size_t at = r ? std::strtoull(r, nullptr, 10) : 0;
      row_no = at > row_no ? at : row_no + 1;
      cur = Pending{};
      cur.row.row = row_no;
      col = -1;
    }
  }
  void end(std::string_view n) override {
    if (n == "v" || n == "t") {
      in_value = false;
    } else if (n == "is") {
      in_is = false;
    } else if (n == "rPh") {
      in_rph = false;
    } else if (n == "c" && in_c) {
      in_c = false;
      cell();
    } else if (n == "row" && in_row) {
      in_row = false;
      rows.push_back(std::move(cur));
    } else if (n == "sheetData") {
      finished = true;
    }
  }
  void text(std::string_view s) override {
    if (in_value) value.append(s);
  }

  void cell() {
    if (col < 0 || col >= kMaxColumns) return;
    std::vector<std::string>& f = cur.row.fields;
    if (f.size() <= static_cast<size_t>(col)) f.resize(static_cast<size_t>(col) + 1);
    std::string& out = f[static_cast<size_t>(col)];
    if (type == "s") {
      char* end = nullptr;
      const unsigned long i = std::strtoul(value.c_str(), &end, 10);
      if (value.empty() || *end || i >= sst->ends.size())
        return problem(col, "names a shared string the workbook does not have");
      sst->text_of(i, out);
    } else if (type == "inlineStr" || type == "str") {
      out = unescape_text(value);
    } else if (type == "b") {
      out = value == "1" ? "TRUE" : "FALSE";
    } else if (type == "e") {
      return problem(col, "holds the Excel error " + value);
    } else if (type == "d") {
      // An ISO 8601 date (strict OOXML): the date, and a time unless midnight.
      out = value.substr(0, 10);
      if (value.size() > 10 && value.find_first_not_of("T0:.Z", 10) != std::string::npos)
        out = value;
    } else if (!value.empty()) {
      const bool is_date = style >= 0 && static_cast<size_t>(style) < date_style->size() &&
                           (*date_style)[static_cast<size_t>(style)];
      if (is_date) {
        auto d = serial_to_date(value, date1904);
        if (!d) return problem(col, "holds a date Excel cannot show (" + d.error().message + ")");
        out = std::move(*d);
      } else {
        out = number_text(value);
        cur.numbers.push_back(col);
      }
    }
    for (unsigned char ch : out)
      if (ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", ch);
        out.clear();
        return problem(col, std::string("holds a control character (") + hex + ")");
      }
  }
};

// The merged ranges of the header row (they follow the rows in the XML).
struct MergesXml : XmlHandler {
  size_t header_row = 1;
  std::vector<std::pair<int, int>> spans;  // first, last column
  void start(std::string_view n, const char** a) override {
    if (n != "mergeCell") return;
    const char* ref = attr(a, "ref");
    if (!ref) return;
    const std::string_view r(ref);
    const size_t colon = r.find(':');
    if (colon == std::string_view::npos) return;
    const auto from = r.substr(0, colon), to = r.substr(colon + 1);
    if (row_of(from) == header_row && column_of(from) >= 0 && column_of(to) > column_of(from))
      spans.emplace_back(column_of(from), column_of(to));
  }
  void end(std::string_view) override {}
};

bool blank(const std::vector<std::string>& fields) {
  for (const auto& f : fields)
    if (f.find_first_not_of(" \t\r\n") != std::string::npos) return false;
  return true;
}

class XlsxSource : public RowSource {
 public:
  ~XlsxSource() override {
    sheet_.reset();
    if (z_) lz().zip_discard(z_);
  }

  Status open(const std::string& path, const TableOptions& opt);
  const std::vector<std::string>& header() const override { return header_; }
  Result<bool> next(TableRow& row) override;
  size_t blank_rows() const override { return blank_; }
  const std::string& name() const override { return name_; }
  std::string sheet() const override { return sheet_name_; }
  uint64_t bytes_read() const override {
    const uint64_t total = sheet_ ? sheet_->total() : 0;
    return total ? static_cast<uint64_t>(static_cast<double>(size_) *
                                         static_cast<double>(sheet_->read()) /
                                         static_cast<double>(total))
                 : 0;
  }
  void drain() override {}
  void set_date_columns(const std::vector<int>& cols) override { date_cols_ = cols; }

 private:
  Status hash_file(const std::string& path, const TableOptions& opt);
  Result<std::string> sheet_entry(const std::string& wanted);
  Result<bool> pull(Pending& p);
  Status read_header();
  Status name_merged();

  zip_t* z_ = nullptr;
  std::string name_, where_;  // the file; "FILE: sheet 'NAME'"
  std::string sheet_name_;
  uint64_t size_ = 0;
  std::string entry_;
  SharedStrings sst_;
  StylesXml styles_;
  SheetXml rows_;
  std::unique_ptr<XmlStream> sheet_;
  bool date1904_ = false;
  std::vector<std::string> header_;
  size_t header_row_ = 0, last_row_ = 0, blank_ = 0;
  std::vector<int> date_cols_;
};

Status XlsxSource::hash_file(const std::string& path, const TableOptions& opt) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return errno_error(path, "cannot open");
  std::vector<char> buf(kBlock);
  for (;;) {
    const size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (n == 0) break;
    size_ += n;
    if (opt.observer) opt.observer(std::string_view(buf.data(), n));
  }
  const bool bad = std::ferror(f);
  std::fclose(f);
  if (bad) return errno_error(path, "cannot read");
  return Ok{};
}

// The archive's path of the sheet named WANTED (the first when "").
Result<std::string> XlsxSource::sheet_entry(const std::string& wanted) {
  RelsXml root;
  XmlStream s;
  auto got = s.open(z_, "_rels/.rels", name_, &root);
  if (!got) return got.error();
  if (*got) SF_TRY(s.parse_all());
  std::string book = root.office_document.empty() ? "xl/workbook.xml" : root.office_document;
  if (!book.empty() && book[0] == '/') book.erase(0, 1);
  const std::string dir = book.substr(0, book.rfind('/') + 1);
  WorkbookXml wb;
  got = s.open(z_, book, name_, &wb);
  if (!got) return got.error();
  if (!*got)
    return invalid_input(name_ + ": a zip file but not an Excel workbook (no " + book + ")");
  SF_TRY(s.parse_all());
  date1904_ = wb.date1904;
  const std::string rels_path = dir + "_rels/" + book.substr(dir.size()) + ".rels";
  RelsXml rels;
  got = s.open(z_, rels_path, name_, &rels);
  if (!got) return got.error();
  if (*got) SF_TRY(s.parse_all());
  if (wb.sheets.empty()) return invalid_input(name_ + ": the workbook has no sheet");
  const std::pair<std::string, std::string>* sheet = &wb.sheets.front();
  if (!wanted.empty()) {
    sheet = nullptr;
    std::string names;
    for (const auto& sh : wb.sheets) {
      if (sh.first == wanted) sheet = &sh;
      names += (names.empty() ? "'" : ", '") + sh.first + "'";
    }
    if (!sheet)
      return Error(Errc::kInvalidInput, name_ + ": no sheet '" + wanted + "'",
                   {"the workbook's sheets are " + names});
  }
  sheet_name_ = sheet->first;
  where_ = name_ + ": sheet '" + sheet->first + "'";
  auto t = rels.targets.find(sheet->second);
  if (t == rels.targets.end())
    return invalid_input(where_ + ": the workbook does not say where it is");
  std::string target = t->second;
  return target[0] == '/' ? target.substr(1) : dir + target;
}

Status XlsxSource::open(const std::string& path, const TableOptions& opt) {
  name_ = path;
  SF_TRY(hash_file(path, opt));
  if (!libzip()) {
    return Error(Errc::kEnvironment,
                 path + ": workbooks need " + kLibzip + ", which could not be loaded",
                 {"install it (Debian: apt-get install libzip4)"});
  }
  int err = 0;
  z_ = lz().zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z_) {
    zip_error_t ze;
    lz().zip_error_init_with_code(&ze, err);
    std::string why = lz().zip_error_strerror(&ze);
    lz().zip_error_fini(&ze);
    return invalid_input(path + ": a damaged workbook: not a readable zip file (" + why + ")");
  }
  auto entry = sheet_entry(opt.sheet);
  if (!entry) return entry.error();
  entry_ = *entry;
  XmlStream s;
  auto got = s.open(z_, "xl/styles.xml", name_ + ": xl/styles.xml", &styles_);
  if (!got) return got.error();
  if (*got) SF_TRY(s.parse_all());
  got = s.open(z_, "xl/sharedStrings.xml", name_ + ": xl/sharedStrings.xml", &sst_);
  if (!got) return got.error();
  if (*got) SF_TRY(s.parse_all());
  sst_.cur = std::string();
  rows_.sst = &sst_;
  rows_.date_style = &styles_.date_style;
  rows_.date1904 = date1904_;
  sheet_ = std::make_unique<XmlStream>();
  got = sheet_->open(z_, entry_, where_, &rows_);
  if (!got) return got.error();
  if (!*got)
    return invalid_input(where_ + ": a damaged workbook: its sheet " + entry_ + " is missing");
  return read_header();
}

Result<bool> XlsxSource::pull(Pending& p) {
  while (rows_.rows.empty()) {
    if (rows_.finished) return false;
    auto more = sheet_->step();
    if (!more) {
      Error e = more.error();
      if (rows_.row_no) e.message += " in or after row " + std::to_string(rows_.row_no);
      return e;
    }
    if (!*more && rows_.rows.empty()) {
      if (!rows_.finished)
        return invalid_input(where_ + ": the sheet ends early (a damaged workbook)");
      return false;
    }
  }
  p = std::move(rows_.rows.front());
  rows_.rows.pop_front();
  return true;
}

Status XlsxSource::read_header() {
  Pending p;
  for (;;) {
    auto got = pull(p);
    if (!got) return got.error();
    if (!*got) return invalid_input(where_ + ": the sheet is empty (a header row is required)");
    if (!p.row.error.empty())
      return invalid_input(where_ + ": header: column " + column_name(p.bad_column) + " " +
                           p.row.error);
    if (!blank(p.row.fields)) break;
  }
  header_ = std::move(p.row.fields);
  for (auto& h : header_)
    if (h.find_first_of("\r\n") != std::string::npos)
      for (char& c : h)
        if (c == '\r' || c == '\n') c = ' ';
  header_row_ = last_row_ = p.row.row;
  // The merged cells are listed after the rows, so finding them costs a
  // second reading of the sheet: made only when a column may lack its name
  // (an empty header cell between named ones, or data beyond the last
  // named column, by the sheet's dimension or, without one, the rows read
  // so far).
  int named = -1;
  bool gap = false;
  for (size_t c = 0; c < header_.size(); ++c) {
    if (header_[c].find_first_not_of(' ') == std::string::npos) continue;
    gap = gap || static_cast<int>(c) > named + 1;
    named = static_cast<int>(c);
  }
  bool beyond = rows_.last_column > named;
  if (rows_.last_column == -2) {
    beyond = false;
    for (const auto& q : rows_.rows)
      beyond = beyond || static_cast<int>(q.row.fields.size()) > named + 1;
  }
  if (gap || beyond) SF_TRY(name_merged());
  while (!header_.empty() && header_.back().find_first_not_of(" ") == std::string::npos)
    header_.pop_back();
  return Ok{};
}

// A header cell merged across columns names each of them: "Address",
// "Address (2)", ... so that the columns under it keep their data. The
// merged ranges come after the rows, so the sheet is read once more for
// them (expat alone, without keeping a row).
Status XlsxSource::name_merged() {
  MergesXml merges;
  merges.header_row = header_row_;
  XmlStream s;
  auto got = s.open(z_, entry_, where_, &merges);
  if (!got) return got.error();
  SF_TRY(s.parse_all());
  for (auto [from, to] : merges.spans) {
    const auto f = static_cast<size_t>(from);
    if (f >= header_.size() || header_[f].empty()) continue;
    if (header_.size() <= static_cast<size_t>(to)) header_.resize(static_cast<size_t>(to) + 1);
    for (int c = from + 1; c <= to; ++c)
      if (header_[static_cast<size_t>(c)].empty())
        header_[static_cast<size_t>(c)] = header_[f] + " (" + std::to_string(c - from + 1) + ")";
  }
  return Ok{};
}

Result<bool> XlsxSource::next(TableRow& row) {
  Pending p;
  for (;;) {
    auto got = pull(p);
    if (!got) return got.error();
    if (!*got) return false;
    // Rows left out of the XML are empty rows of the sheet.
    if (p.row.row > last_row_ + 1) blank_ += p.row.row - last_row_ - 1;
    last_row_ = p.row.row;
    std::vector<std::string>& f = p.row.fields;
    while (f.size() > header_.size() && f.back().empty()) f.pop_back();
    if (f.size() < header_.size()) f.resize(header_.size());
    if (p.row.error.empty() && blank(f)) {
      ++blank_;
      continue;
    }
    // A plain number in a date column is a serial number too.
    for (int c : p.numbers) {
      const auto i = static_cast<size_t>(c);
      if (i >= f.size() || std::find(date_cols_.begin(), date_cols_.end(), c) == date_cols_.end())
        continue;
      const double x = std::atof(f[i].c_str());
      if (x < 1 || x > 2958465 || f[i].find_first_not_of("0123456789.") != std::string::npos)
        continue;
      if (auto d = serial_to_date(f[i], date1904_)) f[i] = std::move(*d);
    }
    if (p.bad_column >= 0) {
      const auto i = static_cast<size_t>(p.bad_column);
      p.row.error =
          (i < header_.size() && !header_[i].empty() ? "'" + header_[i] + "'"
                                                     : "column " + column_name(p.bad_column)) +
          " " + p.row.error;
    }
    row = std::move(p.row);
    return true;
  }
}

}  // namespace

Result<std::unique_ptr<RowSource>> open_workbook(const std::string& path, const TableOptions& opt) {
  auto src = std::make_unique<XlsxSource>();
  SF_TRY(src->open(path, opt));
  return std::unique_ptr<RowSource>(std::move(src));
}

}  // namespace sfcohort::xlsx

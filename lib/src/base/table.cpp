// The row source over each format, and the column alias table. The aliases
// are what councils' and partners' spreadsheets were seen to use; every
// name here is listed in man/sfcohort-import.1.
#include "sfcohort/table.hpp"

#include <algorithm>
#include <cstdio>

#include "base/xlsx_read.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort {
namespace {

class CsvSource : public RowSource {
 public:
  explicit CsvSource(CsvReader r) : r_(std::move(r)) {}
  Status start() {
    TableRow row;
    auto got = r_.read(row);
    if (!got) return got.error();
    if (!*got) return invalid_input(r_.name() + ": the file is empty (a header row is required)");
    header_ = std::move(row.fields);
    return Ok{};
  }
  const std::vector<std::string>& header() const override { return header_; }
  Result<bool> next(TableRow& row) override { return r_.read(row); }
  size_t blank_rows() const override { return r_.blank_records(); }
  const std::string& name() const override { return r_.name(); }
  uint64_t bytes_read() const override { return r_.bytes_read(); }
  void drain() override { r_.drain(); }

 private:
  CsvReader r_;
  std::vector<std::string> header_;
};

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", '" : "'") + names[i] + "'";
  return s;
}

Error column_error(std::string message, std::vector<std::string> hints = {}) {
  Error e(Errc::kInvalidInput, std::move(message), std::move(hints));
  e.subject = Error::Subject::kColumns;
  return e;
}

// "no column for surname": the headers found, and the known name nearest
// to one of them.
Error missing_column(std::string_view field, const std::vector<std::string>& header,
                     const std::string& file) {
  std::string msg = file + ": header: no column for " + std::string(field);
  msg += header.empty() ? " (the header is empty)" : " among " + quoted_list(header);
  const ColumnAlias* aliases = nullptr;
  for (const auto& a : column_aliases())
    if (a.field == field) aliases = &a;
  size_t best = SIZE_MAX;
  std::string near, near_header;
  for (const auto& h : header) {
    const std::string fh = fold_column_name(h);
    for (auto n : aliases ? aliases->names : std::vector<std::string_view>{}) {
      const std::string fn = fold_column_name(n);
      size_t d = edit_distance(fh, fn);
      if (fh.size() >= 3 && (fh.find(fn) != std::string::npos || fn.find(fh) != std::string::npos))
        d = std::min(d, std::max(fh.size(), fn.size()) - std::min(fh.size(), fn.size()));
      if (d < best) best = d, near = std::string(n), near_header = h;
    }
  }
  if (!near.empty() && best <= std::max<size_t>(3, near.size() / 2))
    msg += "; the nearest known name is '" + near + "' (the file has '" + near_header + "')";
  else if (aliases)
    msg += "; known names for it: '" + std::string(aliases->names.front()) + "'" +
           (aliases->names.size() > 1 ? ", '" + std::string(aliases->names[1]) + "', ..." : "");
  return column_error(msg);
}

// The first bytes of PATH ("" for standard input, which is read as CSV).
Result<std::string> head_of(const std::string& path) {
  if (path == "-") return std::string();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return errno_error(path, "cannot read");
  char buf[8];
  const size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  return std::string(buf, n);
}

bool ends_with_ci(const std::string& s, std::string_view tail) {
  if (s.size() < tail.size()) return false;
  for (size_t i = 0; i < tail.size(); ++i) {
    char c = s[s.size() - tail.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != tail[i]) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<RowSource>> open_table(const std::string& path, const TableOptions& opt) {
  auto head = head_of(path);
  if (!head) return head.error();
  if (xlsx::looks_like_zip(*head)) return xlsx::open_workbook(path, opt);
  if (head->starts_with("\xD0\xCF\x11\xE0"))
    return Error(Errc::kInvalidInput,
                 path + ": an Excel 97-2003 workbook (.xls), which is not read",
                 {"save it from Excel as an Excel Workbook (.xlsx) or as CSV UTF-8"});
  if (ends_with_ci(path, ".xlsx") || ends_with_ci(path, ".xlsm"))
    return invalid_input(path + ": a damaged workbook: not a zip file, as an .xlsx file is");
  if (!opt.sheet.empty())
    return invalid_input(path + ": a sheet was named, but this is a CSV file, not a workbook");
  auto r = CsvReader::open(path, opt.observer);
  if (!r) return r.error();
  auto src = std::make_unique<CsvSource>(std::move(*r));
  SF_TRY(src->start());
  return std::unique_ptr<RowSource>(std::move(src));
}

const std::vector<ColumnAlias>& column_aliases() {
  static const std::vector<ColumnAlias> kAliases = {
      {"family_id",
       {"family_id", "Family", "Family ID", "Family Ref", "Family Reference", "Family No",
        "Family Number"}},
      {"person_id", {"person_id", "Person", "Person ID", "Person Ref", "UPN"}},
      {"given_name",
       {"given_name", "Given", "Forename", "Forenames", "First Name", "First Names",
        "Legal Forename", "Legal First Name", "Christian Name"}},
      {"preferred_name",
       {"preferred_name", "Preferred Forename", "Preferred First Name", "Known As"}},
      {"middle_names", {"middle_names", "Middle Name", "Middle Names"}},
      {"surname", {"surname", "Last Name", "Legal Surname", "Legal Last Name", "Family Name"}},
      {"sex", {"sex", "Gender", "Legal Sex"}},
      {"dob", {"dob", "Date of Birth", "Birth Date", "Birthdate", "D.O.B."}},
      {"postcode", {"postcode", "Post Code", "Postal Code"}},
      {"house",
       {"house", "House Number", "House No", "House Name", "House Name or Number", "Number",
        "Address Line 1", "Address 1"}},
      {"address", {"address", "Full Address"}},
      {"role", {"role"}},
      {"joined_on", {"joined_on", "Date Joined", "Joined", "Start Date"}},
      {"lead_agency", {"lead_agency", "Lead Agency"}},
      {"lead_contact", {"lead_contact", "Lead Contact", "Lead Professional"}},
  };
  return kAliases;
}

std::string fold_column_name(std::string_view header) {
  std::string k;
  for (char c : trim(header)) {
    if (c == ' ' || c == '_' || c == '-' || c == '.') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    k += c;
  }
  return k;
}

std::string_view field_for_column(std::string_view header) {
  const std::string k = fold_column_name(header);
  for (const auto& a : column_aliases())
    for (auto n : a.names)
      if (k == fold_column_name(n)) return a.field;
  return {};
}

Result<ColumnMap> ColumnMap::bind(const std::vector<std::string>& header,
                                  const std::vector<std::string_view>& fields,
                                  const std::vector<std::string_view>& required,
                                  const std::vector<std::string>& maps, const std::string& file) {
  auto wanted = [&](std::string_view f) {
    return std::find(fields.begin(), fields.end(), f) != fields.end();
  };
  std::vector<std::string> feeds(header.size());  // the field each column feeds
  std::vector<bool> mapped(header.size(), false);
  for (const auto& m : maps) {
    const size_t eq = m.find('=');
    const std::string f = eq == std::string::npos ? "" : trim(m.substr(0, eq));
    const std::string h = eq == std::string::npos ? "" : trim(m.substr(eq + 1));
    if (f.empty() || h.empty())
      return column_error("'" + m + "' is not FIELD=HEADER (e.g. surname=Pupil Surname)");
    std::string fname;
    for (auto w : fields)
      if (fold_column_name(w) == fold_column_name(f)) fname = std::string(w);
    if (fname.empty()) {
      std::string list;
      for (auto w : fields) list += (list.empty() ? "" : ", ") + std::string(w);
      return column_error("'" + f + "' is not a field here (the fields are " + list + ")");
    }
    size_t col = header.size();
    for (size_t i = 0; i < header.size(); ++i)
      if (trim(header[i]) == h) col = i;
    if (col == header.size())
      for (size_t i = 0; i < header.size(); ++i)
        if (fold_column_name(header[i]) == fold_column_name(h)) col = i;
    if (col == header.size())
      return column_error(file + ": header: no column '" + h + "' to map to " + fname +
                          " (the columns are " + quoted_list(header) + ")");
    for (size_t i = 0; i < header.size(); ++i)
      if (mapped[i] && feeds[i] == fname) return column_error(fname + " is mapped twice");
    feeds[col] = fname;
    mapped[col] = true;
  }
  ColumnMap cm;
  for (size_t i = 0; i < header.size(); ++i) {
    if (mapped[i]) continue;
    std::string_view f = field_for_column(header[i]);
    bool taken = false;
    for (size_t j = 0; j < header.size(); ++j)
      if (mapped[j] && feeds[j] == f) taken = true;
    if (!f.empty() && wanted(f) && !taken) feeds[i] = std::string(f);
    if (f.empty() && !fold_column_name(header[i]).empty()) cm.unknown_.push_back(i);
  }
  for (auto f : fields) {
    int at = -1;
    for (size_t i = 0; i < header.size(); ++i) {
      if (feeds[i] != f) continue;
      if (at >= 0)
        return column_error(file + ": header: the columns '" + header[static_cast<size_t>(at)] +
                            "' and '" + header[i] + "' both give " + std::string(f));
      at = static_cast<int>(i);
    }
    if (at < 0) continue;
    cm.index_.emplace_back(std::string(f), at);
    cm.sources_.emplace_back(std::string(f), header[static_cast<size_t>(at)]);
  }
  for (size_t i = 0; i < header.size(); ++i)
    if (feeds[i].empty()) cm.unused_.push_back(i);
  for (auto r : required)
    if (cm.index(r) < 0) return missing_column(r, header, file);
  return cm;
}

int ColumnMap::index(std::string_view field) const {
  for (const auto& [f, i] : index_)
    if (f == field) return i;
  return -1;
}

}  // namespace sfcohort

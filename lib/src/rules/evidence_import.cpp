// `evidence import`: a partner's feed read, validated, looked up and stored
// in one transaction (sfcohort/evidence.hpp).
#include <cmath>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/rejects.hpp"
#include "db/evidence.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/evidence.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/nomination.hpp"
#include "sfcohort/table.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::evidence {
namespace {

// Header names for the feed's own fields, which the shared alias table does
// not know (folded as column names are).
const std::vector<std::pair<std::string_view, std::vector<std::string_view>>>& own_aliases() {
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> a = {
      {"indicator", {"indicator", "Indicator Code", "Code"}},
      {"date", {"date", "Event Date", "Date of Event", "Incident Date", "Recorded On", "As At"}},
      {"value", {"value", "Attendance", "Attendance %", "Attendance Pct", "Percentage"}},
  };
  return a;
}

// MAPS with the feed's own fields bound from their header names, unless the
// caller mapped them by hand.
std::vector<std::string> with_own_maps(const std::vector<std::string>& header,
                                       std::vector<std::string> maps) {
  for (const auto& [field, names] : own_aliases()) {
    bool mapped = false;
    for (const auto& m : maps)
      if (fold_column_name(m.substr(0, m.find('='))) == field) mapped = true;
    if (mapped) continue;
    for (const auto& h : header) {
      for (auto n : names) {
        if (!mapped && fold_column_name(h) == fold_column_name(n)) {
          maps.push_back(std::string(field) + "=" + h);
          mapped = true;
        }
      }
    }
  }
  return maps;
}

struct Parsed {
  size_t n = 0;
  std::vector<std::string> fields;  // as read, for the rejects file
  RowProblem problem;
  Query q;
  std::string indicator, date, address;
  std::optional<double> value;
};

class Columns {
 public:
  Status bind(const std::vector<std::string>& header, const ImportOptions& opt,
              const std::string& file, std::vector<std::string>& warnings) {
    std::vector<std::string_view> required = {"surname", "dob", "date"};
    if (opt.indicator.empty()) required.push_back("indicator");
    auto cm =
        ColumnMap::bind(header, feed_fields(), required, with_own_maps(header, opt.maps), file);
    if (!cm) return cm.error();
    if (!opt.indicator.empty() && cm->index("indicator") >= 0)
      warnings.push_back(file + ": column '" + header[cm->index("indicator")] +
                         "' not read: --indicator gives every row's");
    for (size_t i : cm->unknown())
      warnings.push_back(file + ": column '" + header[i] + "' not used");
    map_.emplace(std::move(*cm));
    return Ok{};
  }
  // FIELD's value in ROW ("" when there is no such column or cell).
  std::string get(const TableRow& row, std::string_view field) const {
    const int i = map_->index(field);
    if (i < 0 || static_cast<size_t>(i) >= row.fields.size()) return "";
    return trim(row.fields[static_cast<size_t>(i)]);
  }
  int index(std::string_view field) const { return map_->index(field); }

 private:
  std::optional<ColumnMap> map_;
};

// Parses ROW into P, or sets P.problem.
void parse_row(const TableRow& row, const Columns& c, const ImportOptions& opt,
               const criteria::CriteriaSet& set, const Date& today, Parsed& p) {
  p.n = row.row;
  p.fields = row.fields;
  auto fail = [&p](std::string field, std::string message) {
    p.problem = {p.n, std::move(field), std::move(message)};
  };
  if (!row.error.empty()) return fail("", row.error);
  p.indicator = opt.indicator.empty() ? c.get(row, "indicator") : opt.indicator;
  const criteria::Indicator* ind = set.indicator(p.indicator);
  if (p.indicator.empty()) return fail("indicator", "missing");
  if (!ind) {
    auto near = set.nearest(p.indicator);
    std::string msg = "unknown indicator '" + p.indicator + "' in " + set.name();
    if (!near.empty()) {
      msg += " (did you mean ";
      for (size_t i = 0; i < near.size(); ++i) msg += (i ? ", " : "") + near[i];
      msg += "?)";
    }
    return fail("indicator", msg);
  }
  auto date = parse_date(c.get(row, "date"));
  if (c.get(row, "date").empty()) return fail("date", "missing");
  if (!date) return fail("date", date.error().message);
  if (*date > today) return fail("date", date->iso() + " is in the future");
  p.date = date->iso();
  const std::string v = c.get(row, "value");
  if (ind->takes_value && v.empty())
    return fail("value", "missing: " + p.indicator + " needs a value" +
                             (ind->unit.empty() ? "" : " (" + ind->unit + ")"));
  if (!ind->takes_value && !v.empty())
    return fail("value", "'" + v + "' given, but " + p.indicator + " takes no value");
  if (!v.empty()) {
    std::string num = v;
    if (!num.empty() && num.back() == '%') num = trim(num.substr(0, num.size() - 1));
    char* end = nullptr;
    const double d = std::strtod(num.c_str(), &end);
    if (num.empty() || *end != '\0' || !std::isfinite(d))
      return fail("value", "'" + v + "' is not a number");
    p.value = d;
  }
  p.q.surname = c.get(row, "surname");
  if (p.q.surname.empty()) return fail("surname", "missing");
  p.q.given_name = c.get(row, "given_name");
  for (auto* name : {&p.q.given_name, &p.q.surname}) {
    auto cleaned = clean_name(*name);
    if (!cleaned)
      return fail(name == &p.q.surname ? "surname" : "given_name", cleaned.error().message);
    *name = *cleaned;
  }
  const std::string dob_text = c.get(row, "dob");
  if (dob_text.empty()) return fail("dob", "missing");
  auto dob = parse_date(dob_text);
  if (!dob) return fail("dob", dob.error().message);
  if (*dob > today) return fail("dob", dob->iso() + " is in the future");
  if (*date < *dob)
    return fail("date", p.date + " is before the date of birth (" + dob->iso() + ")");
  p.q.dob = dob->iso();
  const std::string pc = c.get(row, "postcode");
  if (!pc.empty()) {
    auto parsed = parse_postcode(pc);
    if (!parsed) return fail("postcode", parsed.error().message);
    p.q.postcode = parsed->unit();
  }
  p.q.house = c.get(row, "house");
  p.address = c.get(row, "address");
  auto sex = parse_sex(c.get(row, "sex"));
  if (!sex) return fail("sex", sex.error().message);
  p.q.sex = *sex;
}

// A digest of what makes two rows the same piece of evidence.
std::string fingerprint(const Parsed& p, const std::string& source) {
  std::string s;
  for (const std::string& f :
       {p.indicator, p.date, p.value ? std::to_string(*p.value) : std::string(), source,
        to_lower_ascii(p.q.given_name), to_lower_ascii(p.q.surname), p.q.dob,
        postcode_compact(p.q.postcode), to_lower_ascii(p.q.house)}) {
    s += f;
    s += '\x1f';
  }
  return to_hex(sha256(s));
}

bool same_house(const std::string& a, const std::string& b) {
  return !trim(a).empty() && to_lower_ascii(trim(a)) == to_lower_ascii(trim(b));
}

// The evidence row of P, whose lookup gave R, from SOURCE (feed id unset).
db::EvidenceRecord evidence_of(const Parsed& p, const LookupResult& r, const std::string& source) {
  db::EvidenceRecord e;
  e.row = static_cast<int64_t>(p.n);
  e.fingerprint = fingerprint(p, source);
  e.indicator = p.indicator;
  e.date = p.date;
  e.value = p.value;
  e.source = source;
  const Match* best = r.matches.empty() ? nullptr : &r.matches.front();
  e.band = best ? std::string(band_name(best->band)) : "none";
  if (best) {
    e.person_id = best->person.id;
    e.score = best->score;
    e.why = best->why.to_string();
  }
  if (best && (best->band == Band::kExact || best->band == Band::kStrong)) {
    e.state = "attached";
    return e;
  }
  e.state = best ? "review" : "outside";
  e.given_name = p.q.given_name;
  e.surname = p.q.surname;
  e.dob = p.q.dob;
  e.sex = p.q.sex;
  e.postcode = p.q.postcode;
  e.house = p.q.house;
  e.address = p.address;
  // A cohort family at the very address (not only the house number: 38B
  // is not 38) makes it shared (sfcohort/identify.hpp).
  for (const auto& h : r.household) {
    if (best || !same_house(h.house, p.q.house)) continue;
    e.address_family = h.family_id;
    break;
  }
  return e;
}

// Looks every valid row up: the rows to store, from SOURCE (feed id unset).
// A feed large enough for the cohort index is looked up over it on both
// cores; a small one through the store.
Result<std::vector<db::EvidenceRecord>> match_rows(Store& store, const std::vector<Parsed>& rows,
                                                   const std::string& source) {
  LookupOptions lo;
  lo.limit = 1;
  lo.household_details = false;
  std::vector<db::EvidenceRecord> out;
  out.reserve(rows.size());
  auto m = Matcher::create(store);  // first: it indexes anyone stored unindexed
  if (!m) return m.error();
  auto pay = CohortIndex::rows_to_pay_off(store);
  if (!pay) return pay.error();
  std::shared_ptr<const CohortIndex> index;
  if (static_cast<int64_t>(rows.size()) >= *pay) {
    auto loaded = CohortIndex::load(store);
    if (!loaded) return loaded.error();
    index = std::move(*loaded);
  }
  if (index) {
    // In slices, so the results held at once stay few.
    constexpr size_t kSlice = 8192;
    std::vector<const Parsed*> valid;
    for (const Parsed& p : rows)
      if (p.problem.message.empty()) valid.push_back(&p);
    for (size_t from = 0; from < valid.size(); from += kSlice) {
      const size_t to = std::min(from + kSlice, valid.size());
      std::vector<const Query*> qs;
      for (size_t i = from; i < to; ++i) qs.push_back(&valid[i]->q);
      auto results = lookup_all(index, qs, lo, 2);
      if (!results) {
        if (results.error().code == Errc::kInterrupted)
          return Error(Errc::kInterrupted, "interrupted: nothing was imported");
        return results.error();
      }
      for (size_t i = from; i < to; ++i)
        out.push_back(evidence_of(*valid[i], (*results)[i - from], source));
    }
    return out;
  }
  for (const Parsed& p : rows) {
    if (!p.problem.message.empty()) continue;
    if (interrupted()) return Error(Errc::kInterrupted, "interrupted: nothing was imported");
    auto r = m->lookup(p.q, lo);
    if (!r) return r.error();
    out.push_back(evidence_of(p, *r, source));
  }
  return out;
}

// Stores ROWS as rows of FEED_ID, counting in REP.
Status store_rows(Store& store, std::vector<db::EvidenceRecord>& rows, const std::string& feed_id,
                  ImportReport& rep) {
  for (auto& e : rows) {
    e.feed_id = feed_id;
    auto stored = db::insert_evidence(store, e);
    if (!stored) return stored.error();
    if (!*stored) {
      ++rep.duplicate;
      continue;
    }
    if (e.state == "attached") {
      ++rep.attached;
      ++(e.band == "exact" ? rep.exact : rep.strong);
    } else {
      ++(e.state == "review" ? rep.review : rep.outside);
    }
  }
  return Ok{};
}

}  // namespace

const std::vector<std::string_view>& feed_fields() {
  static const std::vector<std::string_view> f = {"given_name", "surname", "dob",     "sex",
                                                  "postcode",   "house",   "address", "indicator",
                                                  "date",       "value"};
  return f;
}

Result<ImportReport> import_feed(Store& store, const ImportOptions& opt) {
  auto set = nomination::resolve_set(&store, opt.criteria);
  if (!set) return set.error();
  if (!opt.indicator.empty() && !set->indicator(opt.indicator)) {
    auto near = set->nearest(opt.indicator);
    std::string list;
    for (const auto& n : near) list += (list.empty() ? "" : ", ") + n;
    return Error(Errc::kInvalidInput,
                 "unknown indicator '" + opt.indicator + "' in " + set->name() +
                     (list.empty() ? "" : " (did you mean " + list + "?)"),
                 {"'sfcohort criteria show " + set->name() + "' lists its indicators"});
  }
  Sha256 sha;
  TableOptions topt;
  topt.observer = [&sha](std::string_view b) { sha.update(b); };
  topt.sheet = opt.sheet;
  auto reader = open_table(opt.path, topt);
  if (!reader) return reader.error();
  ImportReport rep;
  rep.file = (*reader)->name();
  rep.sheet = (*reader)->sheet();
  rep.criteria_set = set->name();
  Columns cols;
  SF_TRY(cols.bind((*reader)->header(), opt, rep.file, rep.warnings));
  (*reader)->set_date_columns({cols.index("dob"), cols.index("date")});
  const Date today = *parse_date(Store::today());
  std::vector<Parsed> rows;
  RejectsFile rejects;
  if (opt.rejects_path) SF_TRY(rejects.open(*opt.rejects_path, (*reader)->header()));
  TableRow row;
  for (;;) {
    auto more = (*reader)->next(row);
    if (!more) return more.error();
    if (!*more) break;
    Parsed p;
    parse_row(row, cols, opt, *set, today, p);
    ++rep.rows;
    if (!p.problem.message.empty()) {
      ++rep.rejected;
      if (rep.errors.size() < ImportReport::kMaxErrors) rep.errors.push_back(p.problem);
      SF_TRY(rejects.add(p.n, p.fields,
                         p.problem.field.empty() ? p.problem.message
                                                 : p.problem.field + ": " + p.problem.message));
    }
    rows.push_back(std::move(p));
  }
  rep.blank = (*reader)->blank_rows();
  rep.sha256 = to_hex(sha.finish());
  rep.source = opt.source.empty() ? rep.file : opt.source;
  if (rep.rejected > 0 && !opt.rejects_path) {
    rep.aborted = true;
    return rep;
  }
  if (rep.rows == rep.rejected) {
    // The rows set aside are what the hint points to: the file is kept.
    if (rep.rows) SF_TRY(rejects.commit());
    return Error(Errc::kInvalidInput, rep.file + ": no usable rows: nothing imported",
                 {rep.rows ? "every row was invalid: see the rejects file"
                           : "the file has a "
                             "header but no rows"});
  }
  auto already = db::feed_by_digest(store, rep.sha256, opt.indicator);
  if (!already) return already.error();
  if (*already) {
    rep.already = (*already)->id;
    return rep;
  }
  auto matched = match_rows(store, rows, rep.source);
  if (!matched) return matched.error();
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  db::FeedRecord feed;
  auto id = db::next_feed_id(store);
  if (!id) return id.error();
  feed.id = rep.feed_id = *id;
  feed.sha256 = rep.sha256;
  feed.indicator = opt.indicator;
  feed.source = rep.source;
  feed.file = rep.file;
  feed.criteria_set = set->name();
  feed.imported_at = Store::now_utc();
  feed.imported_by = store.context().actor;
  SF_TRY(db::insert_feed(store, feed));  // first: the rows refer to it
  SF_TRY(store_rows(store, *matched, feed.id, rep));
  feed.rows = static_cast<int64_t>(rep.rows);
  nlohmann::json detail = {{"file", rep.file},           {"sha256", rep.sha256},
                           {"source", rep.source},       {"indicator", opt.indicator},
                           {"rows", rep.rows},           {"attached", rep.attached},
                           {"review", rep.review},       {"outside", rep.outside},
                           {"duplicate", rep.duplicate}, {"rejected", rep.rejected}};
  if (opt.rejects_path) detail["rejects"] = *opt.rejects_path;
  SF_TRY(db::update_feed_counts(store, feed.id, rep.rows, rep.attached, rep.review, rep.outside,
                                rep.rejected));
  SF_TRY(store.audit(feed.id, detail));
  SF_TRY(tx->commit());
  SF_TRY(rejects.commit());
  return rep;
}

}  // namespace sfcohort::evidence

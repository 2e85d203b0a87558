#include "sfcohort/import.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "base/rejects.hpp"
#include "cohort/changes.hpp"
#include "db/person_history.hpp"
#include "match/blocking.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/table.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort {
namespace {

struct Columns {
  int family_id, person_id, given_name, preferred_name, middle_names, surname, sex, dob, postcode,
      house, address, role, joined_on, lead_agency, lead_contact;
  std::vector<int> extra;           // unknown columns, kept in person.extra
  std::vector<std::string> header;  // as written
};

const std::vector<std::string_view> kFields = {
    "family_id", "person_id", "given_name", "preferred_name", "middle_names",
    "surname",   "sex",       "dob",        "postcode",       "house",
    "address",   "role",      "joined_on",  "lead_agency",    "lead_contact"};

// Binds the header to the fields of a person and a family; a column that
// feeds none is kept in person.extra, and named in WARNINGS unless the
// alias table knows it.
Result<Columns> map_columns(const std::vector<std::string>& header,
                            const std::vector<std::string>& maps, const std::string& file,
                            std::vector<std::string>& warnings) {
  auto cm = ColumnMap::bind(header, kFields, {"family_id", "surname", "dob"}, maps, file);
  if (!cm) return cm.error();
  Columns c{};
  c.header = header;
  c.family_id = cm->index("family_id");
  c.person_id = cm->index("person_id");
  c.given_name = cm->index("given_name");
  c.preferred_name = cm->index("preferred_name");
  c.middle_names = cm->index("middle_names");
  c.surname = cm->index("surname");
  c.sex = cm->index("sex");
  c.dob = cm->index("dob");
  c.postcode = cm->index("postcode");
  c.house = cm->index("house");
  c.address = cm->index("address");
  c.role = cm->index("role");
  c.joined_on = cm->index("joined_on");
  c.lead_agency = cm->index("lead_agency");
  c.lead_contact = cm->index("lead_contact");
  std::unordered_set<std::string> seen;
  for (size_t i : cm->unused()) {
    const std::string name = trim(header[i]);
    if (name.empty()) continue;  // a column with no name holds nothing to keep
    if (!seen.insert(fold_column_name(name)).second)
      return invalid_input(file + ": header: the column '" + header[i] + "' appears twice");
    c.extra.push_back(static_cast<int>(i));
  }
  for (size_t i : cm->unknown())
    warnings.push_back(file + ": the column '" + header[i] +
                       "' is not a known field: kept as an extra field");
  return c;
}

std::string field(const std::vector<std::string>& row, int i) {
  return i < 0 ? std::string() : row[static_cast<size_t>(i)];
}

// Validates and normalises one row into P. Errors name the field.
Status parse_row(const std::vector<std::string>& row, const Columns& c, const Date& today,
                 Person& p) {
  p = Person{};
  p.id = trim(field(row, c.person_id));
  p.family_id = trim(field(row, c.family_id));
  if (p.family_id.empty()) return invalid_input("family_id is empty");
  auto name = [&](int col, const char* what, std::string& out) -> Status {
    auto v = clean_name(field(row, col));
    if (!v) return invalid_input(std::string(what) + ": " + v.error().message);
    out = *v;
    return Ok{};
  };
  SF_TRY(name(c.given_name, "given_name", p.given_name));
  SF_TRY(name(c.middle_names, "middle_names", p.middle_names));
  {
    // A preferred forename is a second given name: matched as the middle
    // names are.
    std::string preferred;
    SF_TRY(name(c.preferred_name, "preferred_name", preferred));
    if (!preferred.empty() && preferred != p.given_name &&
        (" " + p.middle_names + " ").find(" " + preferred + " ") == std::string::npos)
      p.middle_names = p.middle_names.empty() ? preferred : p.middle_names + " " + preferred;
  }
  SF_TRY(name(c.surname, "surname", p.surname));
  if (p.surname.empty()) return invalid_input("surname is empty");
  const std::string dob_text = trim(field(row, c.dob));
  if (dob_text.empty()) return invalid_input("dob is empty");
  auto dob = parse_date(dob_text);
  if (!dob) return invalid_input("dob " + dob.error().message);
  if (*dob > today) return invalid_input("dob '" + dob_text + "' is in the future");
  p.dob = dob->iso();
  auto sex = parse_sex(field(row, c.sex));
  if (!sex) return sex.error();
  p.sex = *sex;
  const std::string pc = trim(field(row, c.postcode));
  if (!pc.empty()) {
    auto parsed = parse_postcode(pc);
    if (!parsed) return invalid_input("postcode " + parsed.error().message);
    p.postcode = parsed->unit();
  }
  {
    // A house or address may span lines in a quoted field (Alt+Enter in
    // Excel): its lines are kept, joined by ", ".
    auto one_line = [&](int col, const char* what, std::string& out) -> Status {
      std::string joined, line;
      const std::string v = field(row, col) + "\n";
      for (char ch : v) {
        if (ch != '\r' && ch != '\n') {
          line += ch;
          continue;
        }
        line = trim(line);
        while (!line.empty() && line.back() == ',') line = trim(line.substr(0, line.size() - 1));
        if (!line.empty()) joined += (joined.empty() ? "" : ", ") + line;
        line.clear();
      }
      auto cleaned = clean_name(joined);
      if (!cleaned) return invalid_input(std::string(what) + ": " + cleaned.error().message);
      out = *cleaned;
      return Ok{};
    };
    SF_TRY(one_line(c.house, "house", p.house));
    SF_TRY(one_line(c.address, "address", p.address));
  }
  const std::string role = to_lower_ascii(trim(field(row, c.role)));
  if (role.empty()) {
    p.role = age_on(*dob, today) >= 18 ? "adult" : "child";
  } else if (role == "adult" || role == "child") {
    p.role = role;
  } else {
    return invalid_input("role '" + trim(field(row, c.role)) + "' is not adult or child");
  }
  const std::string joined = trim(field(row, c.joined_on));
  if (!joined.empty()) {
    auto j = parse_date(joined);
    if (!j) return invalid_input("joined_on " + j.error().message);
    p.joined_on = j->iso();
  }
  if (!c.extra.empty()) {
    nlohmann::json extra = nlohmann::json::object();
    for (int i : c.extra) {
      const std::string& v = row[static_cast<size_t>(i)];
      if (!v.empty()) extra[c.header[static_cast<size_t>(i)]] = v;
    }
    p.extra = extra.dump();
  }
  return Ok{};
}

// One row as read and validated: PERSON when PROBLEM is empty.
struct ParsedRow {
  size_t n = 0;
  std::vector<std::string> row;
  Person person;
  std::string problem;
  uint64_t bytes = 0;    // input read so far, for progress
  match::Prepared keys;  // the person's match keys, computed here too
};

// Reads and validates rows on a thread of its own, handing them over in
// chunks through a bounded queue. The destructor stops and joins the thread,
// so an early return from the import leaves nothing running.
class RowPipeline {
 public:
  static constexpr size_t kChunkRows = 1024;
  static constexpr size_t kMaxChunks = 8;

  RowPipeline(RowSource& reader, Sha256& sha, const Columns& c, const Date& today)
      : reader_(reader), sha_(sha), c_(c), today_(today), thread_([this] { run(); }) {}
  ~RowPipeline() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Moves the next chunk into OUT; false at the end of the input.
  Result<bool> next(std::vector<ParsedRow>& out) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      if (!error_.message.empty()) return error_;
      return false;
    }
    out = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return true;
  }
  // After next() returned false: the input's SHA-256 and size.
  const std::string& sha256() const { return sha256_; }
  uint64_t bytes() const { return bytes_; }

 private:
  void run() {
    std::vector<ParsedRow> chunk;
    chunk.reserve(kChunkRows);
    Error error{Errc::kInternal, ""};
    TableRow tr;
    for (;;) {
      ParsedRow pr;
      auto r = reader_.next(tr);
      if (!r) {
        error = r.error();
        break;
      }
      if (!*r) break;
      pr.n = tr.row;
      pr.row = std::move(tr.fields);
      const size_t width = c_.header.size();
      if (!tr.error.empty()) {
        pr.problem = tr.error;
      } else if (pr.row.size() != width) {
        pr.problem = "has " + std::to_string(pr.row.size()) + " fields, the header has " +
                     std::to_string(width);
      } else if (auto v = parse_row(pr.row, c_, today_, pr.person); !v) {
        pr.problem = v.error().message;
      } else {
        pr.keys = match::prepare(pr.person);
      }
      pr.bytes = reader_.bytes_read();
      chunk.push_back(std::move(pr));
      if (chunk.size() == kChunkRows && !push(chunk)) return;
    }
    if (!chunk.empty() && !push(chunk)) return;
    std::string digest;
    if (error.message.empty()) {
      reader_.drain();
      digest = to_hex(sha_.finish());
    }
    std::lock_guard<std::mutex> l(mu_);
    sha256_ = digest;
    bytes_ = reader_.bytes_read();
    error_ = error;
    done_ = true;
    cv_.notify_all();
  }
  // Queues CHUNK, waiting for room; false when the import stopped.
  bool push(std::vector<ParsedRow>& chunk) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return queue_.size() < kMaxChunks || stop_; });
    if (stop_) return false;
    queue_.push_back(std::move(chunk));
    chunk = {};
    chunk.reserve(kChunkRows);
    cv_.notify_all();
    return true;
  }

  RowSource& reader_;
  Sha256& sha_;
  const Columns& c_;
  const Date today_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<ParsedRow>> queue_;
  bool stop_ = false, done_ = false;
  Error error_{Errc::kInternal, ""};
  std::string sha256_;
  uint64_t bytes_ = 0;
  std::thread thread_;
};

// Writes the valid rows of an import, in the transaction the caller holds.
class Writer {
 public:
  Writer(Store& store, const Columns& c, const std::string& file, ImportReport& rep,
         changes::Log& log)
      : store_(store), c_(c), file_(file), rep_(rep), log_(log), bulk_(store) {}

  // Writes PR, or sets PR.problem when it is a second row for one person.
  Status put(ParsedRow& pr) {
    if (!pr.person.id.empty() && seen_.count(pr.person.id)) return duplicate(pr);
    SF_TRY(put_family(pr.person, pr.row));
    return put_person(pr);
  }
  // The people ids the file named or was matched to.
  const std::unordered_map<std::string, size_t>& seen() const { return seen_; }
  // Writes the buffered match keys: before the commit.
  Status finish() { return bulk_.finish(); }
  // For an import into a cohort that already holds people: a person id the
  // cohort does not know is first looked for among them (an id linked by an
  // earlier import, then the matcher), so a person a later file names under
  // a new id is linked and moved, not added twice. The matcher reads the
  // cohort as it was before this import's rows.
  //
  // Ids are looked up in the store, each a few queries, until as many as
  // pay for loading the cohort index have been; the rest (a file of new
  // people) are looked up in the index, which asks the database nothing.
  // The ids linked before are read once, so an id that is not one costs no
  // query either: on PostgreSQL a query would also send the rows the bulk
  // load holds, one COPY a row.
  Status link_unknown_ids() {
    auto m = Matcher::create(store_);
    if (!m) return m.error();
    matcher_.emplace(std::move(*m));
    auto pay = CohortIndex::rows_to_pay_off(store_);
    if (!pay) return pay.error();
    store_lookups_left_ = *pay;
    auto linked = db::linked_ids(store_);
    if (!linked) return linked.error();
    linked_.insert(linked->begin(), linked->end());
    return Ok{};
  }

 private:
  // The person's family, added the first time the import sees it; a family
  // whose lead professional the file changes is updated (the file is newer).
  Status put_family(const Person& p, const std::vector<std::string>& row) {
    if (families_known_.count(p.family_id)) return Ok{};
    const std::string lead_agency = trim(field(row, c_.lead_agency));
    const std::string lead_contact = trim(field(row, c_.lead_contact));
    auto fam = store_.family(p.family_id);
    if (!fam) return fam.error();
    if (!fam->has_value()) {
      Family f;
      f.id = p.family_id;
      f.joined_on = p.joined_on;
      f.lead_agency = lead_agency;
      f.lead_contact = lead_contact;
      SF_TRY(store_.put_family(f));
      ++rep_.families_added;
    } else if ((!lead_agency.empty() && lead_agency != (*fam)->lead_agency) ||
               (!lead_contact.empty() && lead_contact != (*fam)->lead_contact)) {
      Family f = **fam;
      if (!lead_agency.empty()) f.lead_agency = lead_agency;
      if (!lead_contact.empty()) f.lead_contact = lead_contact;
      SF_TRY(store_.put_family(f));
    }
    families_known_.insert(p.family_id);
    return Ok{};
  }

  // A person with an id is that person; one without is the family member
  // with the same names and date of birth, if there is one.
  Status put_person(ParsedRow& pr) {
    Person& p = pr.person;
    std::optional<Person> existing;
    std::string linked_id;  // the file's id, when it is a person known by another
    if (!p.id.empty()) {
      auto e = store_.person(p.id);
      if (!e) return e.error();
      existing = std::move(*e);
      if (!existing && matcher_) {
        auto l = known_as_other(p, linked_id);
        if (!l) return l.error().with_context(file_ + ": row " + std::to_string(pr.n));
        existing = std::move(*l);
        if (existing) p.id = existing->id;
      }
    } else {
      auto e = store_.find_member(p.family_id, p.given_name, p.surname, p.dob);
      if (!e) return e.error();
      existing = std::move(*e);
      if (existing) p.id = existing->id;
    }
    if (existing && seen_.count(existing->id)) return duplicate(pr);
    bulk_.use_prepared(&pr.keys);
    if (!existing) {
      auto ins = match::add_person(store_, p);
      if (!ins) return ins.error().with_context(file_ + ": row " + std::to_string(pr.n));
      p.id = ins->id;
      ++rep_.imported;
      SF_TRY(log_.add("added", p.family_id, p.id));
    } else if (existing->same_fields(p)) {
      bulk_.use_prepared(nullptr);
      ++(linked_id.empty() ? rep_.unchanged : rep_.updated);  // linked: a new id for them
    } else {
      SF_TRY(match::change_person(store_, p));
      ++rep_.updated;
      if (existing->family_id != p.family_id) {
        if (linked_id.empty()) ++rep_.moved;
        SF_TRY(db::record_person_change(store_, existing->pk, "family_id", existing->family_id,
                                        p.family_id, now_));
        SF_TRY(log_.add("moved", p.family_id, p.id, "family_id", existing->family_id, p.family_id));
      }
      SF_TRY(log_.updated(*existing, p));
    }
    if (!linked_id.empty()) SF_TRY(link(*existing, p, linked_id));
    seen_.emplace(p.id, pr.n);
    return Ok{};
  }

  // The cohort person that P, under an id the cohort does not know, is: the
  // one an earlier import linked that id to, or the one the matcher is sure
  // of (exact or strong; never a twin or one of two plausible people) that
  // this file has not named already. Sets LINKED_ID to P's id for a new link.
  Result<std::optional<Person>> known_as_other(const Person& p, std::string& linked_id) {
    if (linked_.count(p.id)) {
      auto a = db::person_by_alias(store_, p.id);
      if (!a || *a) return a;
    }
    if (!index_loaded_ && store_lookups_left_-- <= 0) {
      index_loaded_ = true;
      auto index = CohortIndex::load(store_);
      if (!index) return index.error();
      if (*index) matcher_.emplace(Matcher::create(std::move(*index)));
    }
    LookupOptions lo;
    lo.min_band = Band::kStrong;
    lo.limit = 1;
    lo.household = false;
    lo.household_details = false;
    auto r =
        matcher_->lookup(Query(p.given_name, p.surname, p.dob, p.postcode, p.house, p.sex), lo);
    if (!r) return r.error();
    if (r->matches.empty() || seen_.count(r->matches[0].person.id)) return std::optional<Person>();
    auto e = store_.person(r->matches[0].person.id);
    if (e && *e) linked_id = p.id;
    return e;
  }

  // Links the file's id LINKED_ID to WAS (now P), and reports it as a move.
  Status link(const Person& was, const Person& p, const std::string& linked_id) {
    ++rep_.moved;
    SF_TRY(db::link_person_alias(store_, linked_id, was.pk, now_));
    SF_TRY(db::record_person_change(store_, was.pk, "linked_id", "", linked_id, now_));
    return log_.add("moved", p.family_id, p.id, "person_id", was.id, linked_id);
  }

  // A second row for a person already read: refused, reported with both
  // rows' numbers, nothing written.
  Status duplicate(ParsedRow& pr) {
    const size_t first = seen_.at(pr.person.id);
    ++rep_.duplicate;
    pr.problem = "person " + pr.person.id + " again (first at row " + std::to_string(first) +
                 "): refused, not written over it";
    return log_.add("duplicate", pr.person.family_id, pr.person.id, "row", std::to_string(first),
                    std::to_string(pr.n));
  }

  Store& store_;
  const Columns& c_;
  const std::string& file_;
  ImportReport& rep_;
  changes::Log& log_;
  std::unordered_map<std::string, size_t> seen_;  // person id -> its row
  // Match keys are buffered and written bucket by bucket before the commit.
  match::BulkIndex bulk_;
  std::unordered_set<std::string> families_known_;
  std::optional<Matcher> matcher_;  // see link_unknown_ids()
  int64_t store_lookups_left_ = 0;
  bool index_loaded_ = false;
  std::unordered_set<std::string> linked_;  // ids linked to a person before
  const std::string now_ = Store::now_utc();
};

// With a full file: every person of an active family the file did not name
// is missing; a family all of whose people are missing is closed when a
// reason is given (after the scan, which must not see its own changes).
Status report_missing(Store& store, const ImportOptions& opt,
                      const std::unordered_map<std::string, size_t>& seen, changes::Log& log,
                      ImportReport& rep) {
  std::string family;
  bool all_missing = true;
  std::vector<std::string> to_close;
  auto end_family = [&] {
    if (!family.empty() && all_missing) to_close.push_back(family);
  };
  SF_TRY(store.each_active_person([&](const std::string& f, const std::string& p) -> Status {
    if (f != family) {
      end_family();
      family = f;
      all_missing = true;
    }
    if (seen.count(p)) {
      all_missing = false;
      return Ok{};
    }
    ++rep.missing;
    return log.add("missing", f, p);
  }));
  end_family();
  if (opt.close_missing_reason.empty()) return Ok{};
  for (const auto& f : to_close) {
    SF_TRY(store.record_family_status(f, {"closed", Store::today(), opt.close_missing_reason, "",
                                          Store::now_utc(), store.context().actor}));
    rep.families_closed.push_back(f);
  }
  return Ok{};
}

}  // namespace

Result<ImportReport> import_csv(Store& store, const ImportOptions& opt) {
  Sha256 sha;
  TableOptions topt;
  topt.observer = [&sha](std::string_view b) { sha.update(b); };
  topt.sheet = opt.sheet;
  auto reader = open_table(opt.path, topt);
  if (!reader) return reader.error();
  const std::string& file = (*reader)->name();
  ImportReport rep;
  auto columns = map_columns((*reader)->header(), opt.maps, file, rep.warnings);
  if (!columns) return columns.error();
  (*reader)->set_date_columns({columns->dob, columns->joined_on});
  RejectsFile rejects;
  if (opt.rejects_path && !opt.dry_run)
    SF_TRY(rejects.open(*opt.rejects_path, (*reader)->header()));

  const Date today = *parse_date(Store::today());
  // A cohort indexed under older match keys is indexed again first, in a
  // transaction of its own: the import's links and new people then use the
  // current keys.
  if (!opt.dry_run) SF_TRY(match::refresh_index(store));
  auto load = store.begin_bulk_load(opt.dry_run);
  if (!load) return load.error();
  changes::Log log;
  if (opt.changes_path) SF_TRY(log.open(*opt.changes_path));
  if (!opt.dry_run) log.record_history(&store, Store::now_utc());
  Writer writer(store, *columns, file, rep, log);
  auto people = store.count_people();
  if (!people) return people.error();
  if (*people > 0) SF_TRY(writer.link_unknown_ids());
  // Reading and validating rows runs on the second core while this thread
  // writes to the database; at most kMaxChunks chunks wait, so memory stays
  // bounded.
  RowPipeline pipe(**reader, sha, *columns, today);
  std::vector<ParsedRow> chunk;
  for (;;) {
    if (interrupted()) return Error(Errc::kInterrupted, "interrupted: nothing was imported");
    auto more = pipe.next(chunk);
    if (!more) return more.error();
    if (!*more) break;
    for (ParsedRow& pr : chunk) {
      ++rep.read;
      if (opt.progress && (rep.read & 0x3fff) == 0) opt.progress(pr.bytes);
      if (pr.problem.empty()) {
        SF_TRY(writer.put(pr));
        if (pr.problem.empty()) continue;
      }
      ++rep.rejected;
      if (rep.errors.size() < ImportReport::kMaxErrors) rep.errors.push_back({pr.n, pr.problem});
      SF_TRY(rejects.add(pr.n, std::move(pr.row), pr.problem));
    }
  }
  rep.sha256 = pipe.sha256();
  rep.blank = (*reader)->blank_rows();
  if (opt.progress) opt.progress(pipe.bytes());
  if (rep.rejected > 0 && !opt.rejects_path) {
    rep.aborted = true;
    return rep;  // the load rolls back: nothing written
  }
  if (opt.full) SF_TRY(report_missing(store, opt, writer.seen(), log, rep));
  if (opt.dry_run) {
    SF_TRY(log.commit());
    return rep;
  }
  nlohmann::json detail = {{"file", file},
                           {"sha256", rep.sha256},
                           {"read", rep.read},
                           {"imported", rep.imported},
                           {"updated", rep.updated},
                           {"unchanged", rep.unchanged},
                           {"rejected", rep.rejected},
                           {"families_added", rep.families_added}};
  if (opt.rejects_path) detail["rejects"] = *opt.rejects_path;
  if (opt.changes_path) detail["changes"] = *opt.changes_path;
  if (rep.moved || rep.duplicate) {
    detail["moved"] = rep.moved;
    detail["duplicate"] = rep.duplicate;
  }
  if (opt.full) detail["missing"] = rep.missing;
  if (!rep.families_closed.empty()) detail["closed"] = rep.families_closed;
  SF_TRY(writer.finish());
  SF_TRY(store.audit(file, detail));
  SF_TRY(rejects.flush());
  SF_TRY(load->commit());
  SF_TRY(rejects.commit());
  SF_TRY(log.commit());
  return rep;
}

}  // namespace sfcohort

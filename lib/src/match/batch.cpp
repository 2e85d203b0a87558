// The bulk lookup's driver: the calling thread reads the input, decides
// whether loading a CohortIndex pays off, feeds the worker pool and writes
// the finished chunks back in input order (match/batch_pool.hpp does the
// lookups).
#include "sfcohort/batch.hpp"

#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <optional>

#include "match/batch_pool.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/table.hpp"
#include "sfcohort/xlsx.hpp"

namespace sfcohort {
namespace {

using batch::Layout;
using batch::Pool;
using batch::Row;

// Two workers: the lead's benchmarks (100,000 queries against 1,000,000
// people) were measured with both cores of the machines teams run this on.
constexpr int kThreads = 2;

// The input, its header read and checked.
struct Input {
  // Sha256 cannot move, and the reader's observer points at it.
  std::unique_ptr<Sha256> sha = std::make_unique<Sha256>();
  std::unique_ptr<RowSource> reader;
  std::vector<std::string> header;
  std::vector<std::pair<std::string, std::string>> sources;  // field, column
  std::vector<std::string> warnings;
  Layout layout;
  uint64_t bytes = 0;  // the input's size, when known
};

Result<std::unique_ptr<Input>> open_input(const BatchOptions& opt) {
  auto in = std::make_unique<Input>();
  Sha256* sha = in->sha.get();
  TableOptions topt;
  topt.observer = [sha](std::string_view b) { sha->update(b); };
  topt.sheet = opt.sheet;
  auto reader = open_table(opt.input, topt);
  if (!reader) return reader.error();
  in->reader = std::move(*reader);
  struct stat st;
  if (opt.input != "-" && ::stat(opt.input.c_str(), &st) == 0 && S_ISREG(st.st_mode))
    in->bytes = static_cast<uint64_t>(st.st_size);
  in->header = in->reader->header();
  const std::string file = opt.audit_subject.empty() ? in->reader->name() : opt.audit_subject;
  auto cols = ColumnMap::bind(
      in->header, {"given_name", "preferred_name", "surname", "dob", "postcode", "house"},
      {"surname", "dob"}, opt.maps, file);
  if (!cols) return cols.error();
  in->sources = cols->sources();
  for (size_t i : cols->unknown())
    in->warnings.push_back(file + ": the column '" + in->header[i] +
                           "' is not a known field: carried through to the output");
  Layout& l = in->layout;
  l.jsonl = opt.format == BatchFormat::kJsonl;
  l.xlsx = opt.format == BatchFormat::kXlsx;
  l.ncols = in->header.size();
  l.given = cols->index("given_name");
  l.preferred = cols->index("preferred_name");
  l.surname = cols->index("surname");
  l.dob = cols->index("dob");
  l.postcode = cols->index("postcode");
  l.house = cols->index("house");
  l.sex = cols->index("sex");
  in->reader->set_date_columns({l.dob});
  // Input columns named like an output column are renamed input_<name>.
  l.in_names = in->header;
  l.header = in->header;
  for (size_t i = 0; i < l.in_names.size(); ++i)
    for (const char* c : batch::kOutCols)
      if (fold_column_name(l.in_names[i]) == fold_column_name(c))
        l.in_names[i] = std::string("input_") + c;
  return in;
}

// One run: reads rows into chunks, holds the first ones back until it is
// clear whether the batch is large enough to pay for loading the cohort into
// memory (a CohortIndex: about a second for a million people, then no
// database reads per row), then streams them through the pool. A small batch
// is looked up in the database from the start.
class Run {
 public:
  // Writes to OUT, or to XL (a workbook) when it is not null.
  Run(Store& store, Input& in, AtomicFile* out, xlsx::Writer* xl, const BatchOptions& opt,
      size_t held_max)
      : store_(store), in_(in), out_(out), xl_(xl), opt_(opt), held_max_(held_max) {
    lo_.min_band = opt.min_band;
    lo_.limit = 1;
    lo_.household_details = false;
  }

  Status read_all();
  // Waits for every row, then writes what is left of the output.
  Status finish() {
    if (!pool_) SF_TRY(start_pool());
    SF_TRY(drain(true));
    return xl_ ? Status(Ok{}) : out_->write(buf_);
  }
  const BatchSummary& summary() const { return n_; }
  // The people the output returns, for the disclosure record.
  std::vector<Disclosure>& returned() { return returned_; }
  std::string& buffer() { return buf_; }

 private:
  Status submit(Pool::Chunk c);
  Status start_pool();
  Status drain(bool all);
  void count(const Row& r);

  Store& store_;
  Input& in_;
  AtomicFile* out_;
  xlsx::Writer* xl_;
  const BatchOptions& opt_;
  const size_t held_max_;
  LookupOptions lo_;
  BatchSummary n_;
  std::vector<Disclosure> returned_;
  std::string buf_;
  std::vector<Pool::Chunk> held_;
  size_t held_rows_ = 0;
  std::unique_ptr<Pool> pool_;
};

Status Run::read_all() {
  RowSource& reader = *in_.reader;
  Pool::Chunk chunk;
  TableRow tr;
  for (;;) {
    if (interrupted()) return Error(Errc::kInterrupted, "interrupted: nothing written");
    auto got = reader.next(tr);
    if (!got) return got.error();
    if (!*got) break;
    Row r;
    r.row = static_cast<long long>(tr.row);
    r.fields = std::move(tr.fields);
    r.error = std::move(tr.error);
    if (!r.error.empty() && r.fields.empty()) r.fields.assign(in_.header.size(), "");
    chunk.push_back(std::move(r));
    if (chunk.size() >= Pool::kChunk) {
      SF_TRY(submit(std::move(chunk)));
      chunk = {};
    }
    if (opt_.progress && ((tr.row - 1) & 255) == 0)
      opt_.progress({tr.row - 1, reader.bytes_read(), in_.bytes});
  }
  if (!chunk.empty()) SF_TRY(submit(std::move(chunk)));
  return Ok{};
}

Status Run::submit(Pool::Chunk c) {
  if (!pool_) {
    held_rows_ += c.size();
    held_.push_back(std::move(c));
    if (held_rows_ < held_max_) return Ok{};
    return start_pool();
  }
  pool_->submit(std::move(c));
  return drain(false);
}

Status Run::start_pool() {
  const Context& ctx = store_.context();
  // An in-memory database has no second connection for the workers to open.
  const bool memory = ctx.db_path == ":memory:";
  std::shared_ptr<const CohortIndex> index;
  if (held_rows_ >= held_max_ || memory) {
    // The keys are read on the second core while this one reads the people.
    std::optional<Store> second;
    if (!memory) {
      auto s = Store::open(ctx);
      if (!s) return s.error();
      second.emplace(std::move(*s));
    }
    auto loaded = CohortIndex::load(store_, second ? &*second : nullptr);
    if (!loaded) return loaded.error();
    index = std::move(*loaded);  // null: a cohort too large for it
  }
  pool_ = std::make_unique<Pool>(ctx, std::move(index), lo_, in_.layout, kThreads);
  for (auto& c : held_) {
    pool_->submit(std::move(c));
    SF_TRY(drain(false));
  }
  held_.clear();
  return Ok{};
}

Status Run::drain(bool all) {
  for (;;) {
    auto c = pool_->next(all || pool_->full());
    if (!c) return c.error();
    if (!*c) return Ok{};
    for (auto& r : **c) {
      count(r);
      if (xl_)
        SF_TRY(xl_->row(r.fields));
      else
        buf_ += r.text;
    }
    if (buf_.size() > (1 << 16)) {
      SF_TRY(out_->write(buf_));
      buf_.clear();
    }
  }
}

void Run::count(const Row& r) {
  ++n_.rows;
  if (!r.person_id.empty()) returned_.push_back({r.person_id, r.family_id, ""});
  if (!r.error.empty()) {
    ++n_.unreadable;
    if (n_.unreadable_rows.size() < 10) n_.unreadable_rows.push_back(r.row);
  }
  if (r.failed) {
    ++n_.errors;
    if (n_.error_rows.size() < 10) n_.error_rows.push_back(r.row);
    return;
  }
  switch (r.band) {
    case Band::kExact:
      ++n_.exact;
      break;
    case Band::kStrong:
      ++n_.strong;
      break;
    case Band::kPossible:
      ++n_.possible;
      break;
    case Band::kNone:
      ++n_.none;
      break;
  }
}

Result<BatchSummary> run_batch(Store& store, Input& in, const BatchOptions& opt) {
  // The main connection indexes anyone unindexed before the workers start
  // and writes the audit entry.
  {
    auto matcher = Matcher::create(store);
    if (!matcher) return matcher.error();
  }
  std::optional<AtomicFile> out;
  std::optional<xlsx::Writer> xl;
  if (in.layout.xlsx) {
    auto w = xlsx::Writer::create(opt.output, "results");
    if (!w) return w.error();
    xl.emplace(std::move(*w));
  } else {
    auto f = AtomicFile::create(opt.output, 0600);
    if (!f) return f.error();
    out.emplace(std::move(*f));
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto pays_off = CohortIndex::rows_to_pay_off(store);
  if (!pays_off) return pays_off.error();

  auto closed = store.closed_family_ids();
  if (!closed) return closed.error();
  in.layout.closed =
      std::make_shared<const std::unordered_set<std::string>>(closed->begin(), closed->end());
  Run run(store, in, out ? &*out : nullptr, xl ? &*xl : nullptr, opt,
          static_cast<size_t>(*pays_off));
  // A byte-order mark lets Excel read the CSV as UTF-8 (else "Bąk" is
  // garbled); JSON Lines never has one.
  if (opt.bom && !in.layout.jsonl && !xl) run.buffer() = "\xEF\xBB\xBF";
  if (!in.layout.jsonl) {
    std::vector<std::string> hdr = in.layout.in_names;
    for (const char* c : batch::kOutCols) hdr.push_back(c);
    if (xl) {
      using K = xlsx::Writer::Kind;
      std::vector<K> kinds(hdr.size(), K::kText);
      if (in.layout.dob >= 0) kinds[static_cast<size_t>(in.layout.dob)] = K::kDate;
      kinds[in.layout.ncols + 1] = kinds[in.layout.ncols + 4] = K::kNumber;  // score, candidates
      SF_TRY(xl->header(hdr, kinds));
    } else {
      append_csv_row(run.buffer(), hdr);
    }
  }
  SF_TRY(run.read_all());
  SF_TRY(run.finish());
  in.reader->drain();
  BatchSummary n = run.summary();
  n.sha256 = to_hex(in.sha->finish());
  n.blank = static_cast<int64_t>(in.reader->blank_rows());
  n.columns = in.sources;
  n.warnings = in.warnings;
  SF_TRY(store.audit(opt.audit_subject.empty() ? in.reader->name() : opt.audit_subject,
                     {{"mode", "batch"},
                      {"rows", n.rows},
                      {"sha256", n.sha256},
                      {"unreadable", n.unreadable},
                      {"errors", n.errors},
                      {"exact", n.exact},
                      {"strong", n.strong},
                      {"possible", n.possible},
                      {"none", n.none}},
                     std::move(run.returned())));
  SF_TRY(xl ? xl->commit() : out->commit());
  n.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return n;
}

Status check_options(const BatchOptions& opt) {
  if (opt.min_band == Band::kNone)
    return invalid_input("the lowest band to report must be exact, strong or possible");
  return Ok{};
}

}  // namespace

Result<BatchSummary> lookup_batch(Store& store, const BatchOptions& opt) {
  SF_TRY(check_options(opt));
  auto in = open_input(opt);
  if (!in) return in.error();
  return run_batch(store, **in, opt);
}

Result<LookupResult> lookup_audited(Store& store, const Query& q, const LookupOptions& opt) {
  auto matcher = Matcher::create(store);
  if (!matcher) return matcher.error();
  auto res = matcher->lookup(q, opt);
  if (!res) return res.error();
  nlohmann::json matched = nlohmann::json::array(), fams = nlohmann::json::array();
  for (const auto& m : res->matches) matched.push_back(m.person.id);
  for (const auto& h : res->household) fams.push_back(h.family_id);
  // Which fields were given, never their values: the audit trail holds no
  // partner's data.
  nlohmann::json fields = nlohmann::json::array();
  for (auto [name, v] : {std::pair<const char*, const std::string*>{"given_name", &q.given_name},
                         {"surname", &q.surname},
                         {"dob", &q.dob},
                         {"postcode", &q.postcode},
                         {"house", &q.house},
                         {"sex", &q.sex}})
    if (!v->empty()) fields.push_back(name);
  std::string best =
      res->matches.empty() ? "none" : std::string(band_name(res->matches.front().band));
  std::vector<Disclosure> returned;
  for (const auto& m : res->matches) returned.push_back({m.person.id, m.person.family_id, ""});
  SF_TRY(store.audit(res->matches.empty() ? "" : res->matches.front().person.id,
                     {{"mode", "single"},
                      {"fields", fields},
                      {"band", best},
                      {"matched", matched},
                      {"household", fams},
                      {"candidates", res->candidates}},
                     std::move(returned)));
  return res;
}

Result<BatchSummary> lookup_batch(const Context& ctx, const BatchOptions& opt) {
  SF_TRY(check_options(opt));
  auto in = open_input(opt);
  if (!in) return in.error();
  auto store = Store::open(ctx);
  if (!store) return store.error();
  return run_batch(*store, **in, opt);
}

}  // namespace sfcohort

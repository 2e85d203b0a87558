// sfcohort lookup: is this person in the cohort? Single lookups from flags
// (text or JSON) and bulk lookups from CSV (to CSV or JSON Lines). The
// matching itself lives in the library (sfcohort/lookup.hpp); this file
// parses options, reads and writes rows, and prints.
#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include <filesystem>

#include "cli.hpp"
#include "sfcohort/age.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/exchange.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/partner_reply.hpp"
#include "sfcohort/partners.hpp"
#include "sfcohort/seal.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"
#include "share.hpp"

namespace sfcohort::cli {
namespace {

struct LookupOptions {
  std::string given, surname, dob, postcode, house;
  std::string min_band = "possible";
  int limit = 5;
  std::string format;
  std::string batch;
  std::string output = "-";
  // Sealed exchange: a sealed request is opened first; --to seals the reply.
  std::vector<std::string> to;
  std::string from;
  bool no_verify = false;
  bool armor = false;
  std::string passphrase_file;
  std::string input_name;       // what the audit entry calls the input, when not BATCH
  bool scratch_output = false;  // OUTPUT is a private file the partner reply is made from
};

nlohmann::json why_json(const Why& w) {
  return {{"given_name", level_name(w.given_name)},
          {"surname", level_name(w.surname)},
          {"dob", level_name(w.dob)},
          {"postcode", level_name(w.postcode)},
          {"house", level_name(w.house)}};
}

std::string upper_surname(const std::string& s) {
  // Only ASCII letters change case; accents are kept as written.
  return to_upper_ascii(s);
}

std::string address_of(const Person& p) {
  if (p.house.empty()) return p.postcode;
  if (p.postcode.empty()) return p.house;
  return p.house + ", " + p.postcode;
}

std::string display_postcode(const std::string& raw) {
  auto pc = parse_postcode(raw);
  return pc ? pc->unit() : trim(raw);
}

// "variant (Jon ~ Jonathan)": the level, with both values where they differ.
std::string field_text(std::string_view field, std::string_view level, const std::string& q,
                       const std::string& p) {
  std::string s = std::string(field) + " " + std::string(level);
  if (level != "exact" && level != "missing" && !q.empty() && !p.empty() && q != p)
    s += " (" + q + " ~ " + p + ")";
  return s;
}

// ---------------------------------------------------------------------------
// Single lookup

Result<int> run_single(const Globals& g, const LookupOptions& o, Band min_band) {
  std::string format = o.format.empty() ? "text" : o.format;
  if (format != "text" && format != "json")
    return invalid_input(
        "--format must be text or json for a single lookup (csv and jsonl are for --batch)");
  Query q{trim(o.given), trim(o.surname), trim(o.dob), trim(o.postcode), trim(o.house)};
  if (q.given_name.empty() && q.surname.empty() && q.dob.empty())
    return Error(Errc::kInvalidInput, "nothing to look up",
                 {"give at least --surname, --given or --dob, or --batch FILE"});
  auto store = Store::open(g.context("lookup"));
  if (!store) return store.error();
  auto matcher = Matcher::create(*store);
  if (!matcher) return matcher.error();
  sfcohort::LookupOptions lo;
  lo.min_band = min_band;
  lo.limit = o.limit;
  auto res = matcher->lookup(q, lo);
  if (!res) return res.error();

  nlohmann::json matched = nlohmann::json::array(), fams = nlohmann::json::array();
  for (const auto& m : res->matches) matched.push_back(m.person.id);
  for (const auto& h : res->household) fams.push_back(h.family_id);
  nlohmann::json fields = nlohmann::json::array();
  for (auto [name, v] : {std::pair<const char*, const std::string*>{"given_name", &q.given_name},
                         {"surname", &q.surname},
                         {"dob", &q.dob},
                         {"postcode", &q.postcode},
                         {"house", &q.house}})
    if (!v->empty()) fields.push_back(name);
  std::string best =
      res->matches.empty() ? "none" : std::string(band_name(res->matches.front().band));
  SF_TRY(store->audit(res->matches.empty() ? "" : res->matches.front().person.id,
                      {{"mode", "single"},
                       {"fields", fields},
                       {"band", best},
                       {"matched", matched},
                       {"household", fams},
                       {"candidates", res->candidates}}));

  for (const auto& w : res->warnings) warn(g, w);
  const int status = res->matches.empty() ? 1 : 0;
  if (format == "json") {
    nlohmann::json j;
    j["query"] = {{"given_name", q.given_name},
                  {"surname", q.surname},
                  {"dob", q.dob},
                  {"postcode", q.postcode},
                  {"house", q.house}};
    j["warnings"] = res->warnings;
    j["matches"] = nlohmann::json::array();
    for (const auto& m : res->matches) {
      char score[16];
      std::snprintf(score, sizeof score, "%.4f", m.score);
      j["matches"].push_back({{"band", band_name(m.band)},
                              {"score", std::stod(score)},
                              {"family_id", m.person.family_id},
                              {"person_id", m.person.id},
                              {"person",
                               {{"given_name", m.person.given_name},
                                {"middle_names", m.person.middle_names},
                                {"surname", m.person.surname},
                                {"dob", m.person.dob},
                                {"postcode", m.person.postcode},
                                {"house", m.person.house}}},
                              {"why", why_json(m.why)}});
    }
    j["household"] = nlohmann::json::array();
    for (const auto& h : res->household) {
      nlohmann::json hj = {{"family_id", h.family_id},
                           {"why", h.why},
                           {"people", h.people},
                           {"lead_agency", h.lead_agency}};
      hj["similar"] = nlohmann::json::array();
      for (const auto& p : h.similar)
        hj["similar"].push_back({{"person_id", p.id},
                                 {"given_name", p.given_name},
                                 {"surname", p.surname},
                                 {"dob", p.dob}});
      j["household"].push_back(hj);
    }
    j["candidates"] = res->candidates;
    std::printf("%s\n", j.dump().c_str());
    return status;
  }

  // Text: the answer first, the reason next.
  std::string out;
  for (const auto& m : res->matches) {
    std::string band = std::string(band_name(m.band));
    for (auto& c : band) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    char line[512];
    std::string name = m.person.given_name.empty()
                           ? upper_surname(m.person.surname)
                           : m.person.given_name + " " + upper_surname(m.person.surname);
    // The band in a column of 8 ("STRONG  Jonathan"), never run into the
    // name ("POSSIBLE  Muhammad").
    band.append(band.size() + 2 > 8 ? 2 : 8 - band.size(), ' ');
    std::snprintf(line, sizeof line,
                  "%s%s  b. %s  %-16s family %s \xC2\xB7 person %s  (score %.4f)\n", band.c_str(),
                  name.c_str(), m.person.dob.c_str(), address_of(m.person).c_str(),
                  m.person.family_id.c_str(), m.person.id.c_str(), m.score);
    out += line;
    std::string dob_q = q.dob;
    if (auto d = parse_date(q.dob)) dob_q = d->iso();
    out +=
        "        " +
        field_text("given_name", level_name(m.why.given_name), q.given_name, m.person.given_name) +
        " \xC2\xB7 " +
        field_text("surname", level_name(m.why.surname), q.surname, m.person.surname) +
        " \xC2\xB7 " + field_text("dob", level_name(m.why.dob), dob_q, m.person.dob) +
        " \xC2\xB7 " +
        field_text("postcode", level_name(m.why.postcode), display_postcode(q.postcode),
                   m.person.postcode) +
        " \xC2\xB7 " + field_text("house", level_name(m.why.house), q.house, m.person.house) + "\n";
  }
  if (res->matches.empty()) out += "no person matched\n";
  for (const auto& h : res->household) {
    out += "household: family " + h.family_id + " is at " + q.house + ", " +
           display_postcode(q.postcode);
    if (h.similar.empty()) {
      out += " (" + std::to_string(h.people) + (h.people == 1 ? " person" : " people");
      if (!h.lead_agency.empty()) out += ", lead: " + h.lead_agency;
      out += ")";
    } else {
      out += " \xE2\x80\x94 ";
      std::string dob_q = q.dob;
      if (auto d = parse_date(q.dob)) dob_q = d->iso();
      bool twins = true;
      for (size_t i = 0; i < h.similar.size(); ++i) {
        const Person& p = h.similar[i];
        if (i) out += "; ";
        out += (p.given_name.empty() ? "" : p.given_name + " ") + upper_surname(p.surname) +
               " b. " + p.dob + " is a member";
        twins = twins && p.dob == dob_q;
      }
      out += twins ? " (a twin? check with the family's lead"
                   : " (a sibling? check with the family's lead";
      if (!h.lead_agency.empty()) out += ": " + h.lead_agency;
      out += ")";
    }
    out += "\n";
  }
  if (res->candidates > static_cast<int>(res->matches.size()) && !res->matches.empty())
    out += std::to_string(res->candidates) + " people reached possible; showing " +
           std::to_string(res->matches.size()) + " (see --limit, --min-band)\n";
  std::fputs(out.c_str(), stdout);
  return status;
}

// ---------------------------------------------------------------------------
// Batch

const char* const kOutCols[] = {"match",      "score", "family_id", "person_id",
                                "candidates", "why",   "household"};

struct BatchCounts {
  long long rows = 0, exact = 0, strong = 0, possible = 0, none = 0, unreadable = 0;
  std::vector<long long> bad_rows;
};

// One input row on its way through the batch.
struct BatchRow {
  long long row = 0;
  std::vector<std::string> fields;
  std::string error;  // the row could not be read
  Band band = Band::kNone;
  std::string text;  // its output line(s)
};

struct BatchFormat {
  bool jsonl = false;
  std::vector<std::string> in_names;
  size_t ncols = 0;
  int ig = -1, is = -1, id = -1, ip = -1, ih = -1;
};

// Looks one row up and formats its output line.
Status process_row(Matcher& m, const sfcohort::LookupOptions& lo, const BatchFormat& bf,
                   BatchRow& r) {
  std::vector<std::string> outcols(7);
  nlohmann::json why = nlohmann::json::object();
  auto field = [&](int i) -> std::string {
    return i >= 0 && static_cast<size_t>(i) < r.fields.size() ? r.fields[static_cast<size_t>(i)]
                                                              : "";
  };
  if (!r.error.empty()) {
    outcols[0] = "error";
    outcols[5] = r.error;
    if (bf.jsonl) why = {{"error", r.error}};
  } else {
    Query q{field(bf.ig), field(bf.is), field(bf.id), field(bf.ip), field(bf.ih)};
    auto res = m.lookup(q, lo);
    if (!res) return res.error();
    char score[16] = "0.0000";
    if (!res->matches.empty()) {
      const Match& x = res->matches.front();
      std::snprintf(score, sizeof score, "%.4f", x.score);
      r.band = x.band;
      outcols[0] = std::string(band_name(x.band));
      outcols[2] = x.person.family_id;
      outcols[3] = x.person.id;
      // JSON is built only for JSON Lines: it is a fair share of a CSV row's cost.
      if (bf.jsonl) {
        why = why_json(x.why);
      } else {
        outcols[5] = x.why.to_string();
      }
    } else {
      outcols[0] = "none";
    }
    outcols[1] = score;
    outcols[4] = std::to_string(res->candidates);
    std::string hh;
    for (const auto& fam : res->household) hh += (hh.empty() ? "" : ";") + fam.family_id;
    outcols[6] = hh;
  }
  r.fields.resize(bf.ncols);
  if (!bf.jsonl) {
    std::vector<std::string> rowv = std::move(r.fields);
    rowv.insert(rowv.end(), outcols.begin(), outcols.end());
    append_csv_row(r.text, rowv);
  } else {
    nlohmann::json j = nlohmann::json::object();
    j["row"] = r.row;
    for (size_t i = 0; i < bf.in_names.size(); ++i) j[bf.in_names[i]] = r.fields[i];
    j["match"] = outcols[0];
    j["score"] = r.error.empty() ? std::stod(outcols[1]) : 0.0;
    j["family_id"] = outcols[2];
    j["person_id"] = outcols[3];
    j["candidates"] = r.error.empty() ? std::stoi(outcols[4]) : 0;
    j["why"] = why;
    j["household"] = outcols[6];
    r.text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.text += '\n';
  }
  r.fields.clear();
  return Ok{};
}

// Worker threads, each with its own connection and matcher, look rows up in
// chunks; the main thread reads the input and writes the chunks back in
// input order. At most kInFlight chunks exist at once, so memory is bounded
// whatever the input's size.
class BatchPool {
 public:
  static constexpr size_t kChunk = 256;
  static constexpr size_t kInFlight = 16;
  using Chunk = std::vector<BatchRow>;

  // Each worker looks up over INDEX when there is one, else over its own
  // connection to the database of CTX.
  BatchPool(const Context& ctx, std::shared_ptr<const CohortIndex> index,
            const sfcohort::LookupOptions& lo, const BatchFormat& bf, int threads)
      : lo_(lo), bf_(bf), index_(std::move(index)) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this, ctx] { work(ctx); });
  }
  ~BatchPool() {
    {
      std::lock_guard<std::mutex> l(mu_);
      closing_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  // Queues CHUNK. The caller keeps the number in flight bounded by taking
  // finished chunks with next() while full().
  void submit(Chunk chunk) {
    std::lock_guard<std::mutex> l(mu_);
    ++inflight_;
    todo_.emplace_back(next_in_++, std::move(chunk));
    cv_.notify_all();
  }
  bool full() {
    std::lock_guard<std::mutex> l(mu_);
    return inflight_ >= kInFlight;
  }

  // The next chunk in input order: waits for it when WAIT; nullopt when it
  // is not done yet (and not WAIT) or no chunk is pending.
  Result<std::optional<Chunk>> next(bool wait) {
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      if (!error_.message.empty()) return error_;
      auto it = done_.find(next_out_);
      if (it != done_.end()) {
        Chunk c = std::move(it->second);
        done_.erase(it);
        ++next_out_;
        --inflight_;
        cv_.notify_all();
        return std::optional<Chunk>(std::move(c));
      }
      if (next_out_ == next_in_ || !wait) return std::optional<Chunk>();
      cv_.wait(l);
    }
  }

 private:
  void work(Context ctx) {
    std::optional<Store> store;
    std::optional<Matcher> m;
    if (index_) {
      m.emplace(Matcher::create(index_));
    } else {
      auto st = Store::open(ctx);
      if (!st) return fail(st.error());
      store.emplace(std::move(*st));
      auto mm = Matcher::create(*store);
      if (!mm) return fail(mm.error());
      m.emplace(std::move(*mm));
    }
    for (;;) {
      std::pair<size_t, Chunk> job;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return closing_ || !todo_.empty(); });
        if (todo_.empty()) return;
        job = std::move(todo_.front());
        todo_.pop_front();
      }
      for (auto& r : job.second) {
        if (auto st = process_row(*m, lo_, bf_, r); !st) return fail(st.error());
      }
      {
        std::lock_guard<std::mutex> l(mu_);
        done_.emplace(job.first, std::move(job.second));
      }
      cv_.notify_all();
    }
  }
  void fail(const Error& e) {
    std::lock_guard<std::mutex> l(mu_);
    if (error_.message.empty()) error_ = e;
    cv_.notify_all();
  }

  sfcohort::LookupOptions lo_;
  BatchFormat bf_;
  std::shared_ptr<const CohortIndex> index_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<size_t, Chunk>> todo_;
  std::map<size_t, Chunk> done_;
  size_t next_in_ = 0, next_out_ = 0, inflight_ = 0;
  bool closing_ = false;
  Error error_{Errc::kInternal, ""};
  std::vector<std::thread> workers_;
};

Result<int> run_batch_plain(const Globals& g, const LookupOptions& o, Band min_band) {
  std::string format = o.format.empty() ? "csv" : o.format;
  if (format != "csv" && format != "jsonl")
    return invalid_input("--format must be csv or jsonl with --batch");
  const bool stdin_input = o.batch == "-";
  Sha256 sha;
  auto reader = CsvReader::open(o.batch, [&sha](std::string_view b) { sha.update(b); });
  if (!reader) return reader.error();
  off_t total_bytes = 0;
  if (!stdin_input) {
    struct stat st;
    if (::stat(o.batch.c_str(), &st) == 0) total_bytes = st.st_size;
  }
  std::vector<std::string> header;
  auto h = reader->next(header);
  if (!h) return h.error();
  if (!*h) return invalid_input(reader->name() + ": empty input: a header row is required");
  CsvColumns cols(header);
  BatchFormat bf;
  bf.jsonl = format == "jsonl";
  bf.ncols = header.size();
  bf.ig = cols.index("given_name");
  bf.is = cols.index("surname");
  bf.id = cols.index("dob");
  bf.ip = cols.index("postcode");
  bf.ih = cols.index("house");
  if (bf.ig < 0 && bf.is < 0 && bf.id < 0)
    return Error(Errc::kInvalidInput,
                 reader->name() + ": no given_name, surname or dob column in the header",
                 {"name the columns as in 'man sfcohort-lookup' (e.g. "
                  "given_name,surname,dob,postcode,house)"});

  // The main connection: checks the database, indexes anyone unindexed
  // before the workers start, and writes the audit entry.
  const Context ctx = g.context("lookup");
  auto store = Store::open(ctx);
  if (!store) return store.error();
  {
    auto matcher = Matcher::create(*store);
    if (!matcher) return matcher.error();
  }
  auto out = AtomicFile::create(o.output, 0600);
  if (!out) return out.error();

  // Input columns named like an output column are renamed input_<name>.
  bf.in_names = header;
  for (size_t i = 0; i < bf.in_names.size(); ++i)
    for (const char* c : kOutCols)
      if (cols.canonical()[i] == canonical_column(c)) bf.in_names[i] = std::string("input_") + c;
  std::string buf;
  if (!bf.jsonl) {
    std::vector<std::string> hdr = bf.in_names;
    for (const char* c : kOutCols) hdr.push_back(c);
    append_csv_row(buf, hdr);
  }

  sfcohort::LookupOptions lo;
  lo.min_band = min_band;
  lo.limit = 1;
  lo.household_details = false;
  BatchCounts n;
  const bool progress = show_progress(g);
  auto t0 = std::chrono::steady_clock::now();
  auto last_progress = t0;

  // The first rows are held back until it is clear whether the batch is
  // large enough to pay for loading the cohort into memory (a CohortIndex:
  // about a second for a million people, then no database reads per row).
  // A small batch is looked up in the database from the start.
  auto pays_off = CohortIndex::rows_to_pay_off(*store);
  if (!pays_off) return pays_off.error();
  const size_t held_max = static_cast<size_t>(*pays_off);
  std::vector<BatchPool::Chunk> held;
  size_t held_rows = 0;
  std::unique_ptr<BatchPool> pool;
  auto drain = [&](bool all) -> Status {
    for (;;) {
      auto c = pool->next(all || pool->full());
      if (!c) return c.error();
      if (!*c) return Ok{};
      for (auto& r : **c) {
        ++n.rows;
        if (!r.error.empty()) {
          ++n.unreadable;
          if (n.bad_rows.size() < 10) n.bad_rows.push_back(r.row);
        } else {
          switch (r.band) {
            case Band::kExact:
              ++n.exact;
              break;
            case Band::kStrong:
              ++n.strong;
              break;
            case Band::kPossible:
              ++n.possible;
              break;
            case Band::kNone:
              ++n.none;
              break;
          }
        }
        buf += r.text;
      }
      if (buf.size() > (1 << 16)) {
        SF_TRY(out->write(buf));
        buf.clear();
      }
    }
  };

  auto start_pool = [&]() -> Status {
    std::shared_ptr<const CohortIndex> index;
    if (held_rows >= held_max) {
      // The keys are read on the second core while this one reads the people.
      auto second = Store::open(ctx);
      if (!second) return second.error();
      auto loaded = CohortIndex::load(*store, &*second);
      if (!loaded) return loaded.error();
      index = std::move(*loaded);  // null: a cohort too large for it
    }
    pool = std::make_unique<BatchPool>(ctx, std::move(index), lo, bf, 2);
    for (auto& c : held) {
      pool->submit(std::move(c));
      SF_TRY(drain(false));
    }
    held.clear();
    return Ok{};
  };
  auto submit = [&](BatchPool::Chunk c) -> Status {
    if (!pool) {
      held_rows += c.size();
      held.push_back(std::move(c));
      if (held_rows < held_max) return Ok{};
      return start_pool();
    }
    pool->submit(std::move(c));
    return drain(false);
  };

  BatchPool::Chunk chunk;
  bool done = false;
  while (!done) {
    if (interrupted()) return Error(Errc::kInterrupted, "interrupted: nothing written");
    BatchRow r;
    auto got = reader->next(r.fields);
    r.row = static_cast<long long>(reader->record_number());
    if (!got) {
      // An I/O error stops the batch; a row that cannot be parsed (even an
      // unclosed quote at the very end) is noted and the batch goes on.
      if (got.error().code == Errc::kEnvironment || got.error().code == Errc::kInterrupted)
        return got.error();
      done = reader->fatal();
      r.error = got.error().message;
      r.fields.assign(header.size(), "");
    } else if (!*got) {
      break;
    }
    chunk.push_back(std::move(r));
    if (chunk.size() >= BatchPool::kChunk) {
      SF_TRY(submit(std::move(chunk)));
      chunk = {};
    }
    if (progress && (reader->record_number() & 255) == 0) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_progress > std::chrono::milliseconds(200)) {
        last_progress = now;
        long long seen = static_cast<long long>(reader->record_number());
        if (total_bytes > 0)
          std::fprintf(
              stderr, "\rlookup: %s rows (%d%%)  ", with_commas(seen).c_str(),
              static_cast<int>(100.0 * static_cast<double>(reader->bytes_read()) / total_bytes));
        else
          std::fprintf(stderr, "\rlookup: %s rows  ", with_commas(seen).c_str());
      }
    }
  }
  if (!chunk.empty()) SF_TRY(submit(std::move(chunk)));
  if (!pool) SF_TRY(start_pool());
  SF_TRY(drain(true));
  SF_TRY(out->write(buf));
  if (progress) std::fprintf(stderr, "\r\033[K");
  reader->drain();
  std::string digest = to_hex(sha.finish());
  SF_TRY(store->audit(o.input_name.empty() ? reader->name() : o.input_name,
                      {{"mode", "batch"},
                       {"rows", n.rows},
                       {"sha256", digest},
                       {"unreadable", n.unreadable},
                       {"exact", n.exact},
                       {"strong", n.strong},
                       {"possible", n.possible},
                       {"none", n.none}}));
  SF_TRY(out->commit());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char summary[512];
  std::snprintf(summary, sizeof summary,
                "checked %s rows in %.1f s: %s exact, %s strong, %s possible, %s none",
                with_commas(n.rows).c_str(), secs, with_commas(n.exact).c_str(),
                with_commas(n.strong).c_str(), with_commas(n.possible).c_str(),
                with_commas(n.none).c_str());
  std::string s = summary;
  if (n.unreadable) {
    s += ", " + with_commas(n.unreadable) + " unreadable (row" + (n.unreadable == 1 ? " " : "s ");
    for (size_t i = 0; i < n.bad_rows.size(); ++i)
      s += (i ? ", " : "") + with_commas(n.bad_rows[i]);
    if (n.unreadable > static_cast<long long>(n.bad_rows.size())) s += ", ...";
    s += ")";
  }
  note(g, s);
  if (o.output != "-" && !o.scratch_output) note(g, "results: " + o.output);
  return 0;
}

// A partner's sealed request is opened with the team identity (its signature
// checked against the register) into a private temporary file; with --to the
// full results go to another, are cut down to what a partner may learn
// (partner_reply.hpp), and only that is sealed and signed to the partners.
Result<int> run_batch(const Globals& g, const LookupOptions& o, Band min_band) {
  bool sealed_in = false;
  if (o.batch != "-") {
    char head[64] = {0};
    if (std::FILE* f = std::fopen(o.batch.c_str(), "rb")) {
      size_t n = std::fread(head, 1, sizeof head, f);
      std::fclose(f);
      sealed_in = age::looks_like_age(std::string_view(head, n));
    }
  }
  if (!sealed_in && o.to.empty()) return run_batch_plain(g, o, min_band);
  if (!o.to.empty() && (o.output.empty() || o.output == "-")) {
    return Error(Errc::kInvalidInput, "--to needs --output FILE (the signature goes beside it)",
                 {"e.g. --to \"West Yorkshire Police\" --output reply.csv.age"});
  }
  const Context ctx = g.context("lookup");
  const std::string pf = passphrase_file(o.passphrase_file);
  if (!o.to.empty()) {
    // Refuse an unknown partner or one without agreements in force before
    // any personal data is looked at.
    auto store = Store::open(ctx);
    if (!store) return store.error();
    auto dest = partners::destination(*store, o.to, "basic", Store::today());
    if (!dest) return std::move(dest).error();
  }
  LookupOptions plain = o;
  plain.to.clear();
  std::optional<seal::TempPlaintext> request;
  if (sealed_in) {
    // This connection is closed before the lookups run on their own.
    auto store = Store::open(ctx);
    if (!store) return store.error();
    exchange::OpenRequest req;
    req.from = o.from;
    req.verify = !o.no_verify;
    req.audit_subject = "lookup request " + std::filesystem::path(o.batch).filename().string();
    auto opened = exchange::open_to_temp(*store, o.batch, req,
                                         passphrase_source(pf, "passphrase for age.key"));
    if (!opened) return std::move(opened).error();
    if (!opened->second.opened.verified) warn(g, "the sender of " + o.batch + " was not verified");
    request.emplace(std::move(opened->first));
    plain.batch = request->path();
    plain.input_name = o.batch;
  }
  if (o.to.empty()) return run_batch_plain(g, plain, min_band);

  // Private scratch files beside the output, removed whatever happens.
  struct Scratch {
    std::string path;
    ~Scratch() {
      if (!path.empty()) std::remove(path.c_str());
    }
  } full, reply;
  const std::string dir = std::filesystem::path(o.output).has_parent_path()
                              ? std::filesystem::path(o.output).parent_path().string()
                              : ".";
  for (Scratch* s : {&full, &reply}) {
    std::string tmpl = dir + "/.sfcohort-reply-XXXXXX";
    int fd = mkstemp(tmpl.data());
    if (fd < 0) return errno_error(dir, "cannot create a temporary file");
    ::close(fd);
    s->path = tmpl;
  }
  plain.output = full.path;
  plain.scratch_output = true;
  auto rc = run_batch_plain(g, plain, min_band);
  if (!rc) return rc;
  auto store = Store::open(ctx);
  if (!store) return store.error();
  auto disclosed = write_partner_reply(*store, full.path, plain.format == "jsonl", reply.path);
  if (!disclosed) return std::move(disclosed).error();
  exchange::SealRequest req;
  req.partners = o.to;
  req.profile = "basic";
  req.armor = o.armor;
  req.audit_subject = "lookup reply " + std::filesystem::path(o.output).filename().string();
  req.audit_detail = {{"families", *disclosed}, {"request", o.batch}};
  std::FILE* in = std::fopen(reply.path.c_str(), "rb");
  if (!in) return errno_error(reply.path, "cannot read");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(in, std::fclose);
  age::FileSource src(in, reply.path);
  auto sealed = exchange::seal_for(*store, src, o.output, req,
                                   passphrase_source(pf, "passphrase for minisign.key"));
  if (!sealed) return std::move(sealed).error();
  std::string names;
  for (const auto& n : o.to) names += (names.empty() ? "" : ", ") + n;
  note(g, "sealed reply for " + names + ": " + sealed->path + " and " + sealed->signature_path);
  return 0;
}

Result<int> run_lookup(const Globals& g, const LookupOptions& o) {
  auto band = parse_band(o.min_band);
  if (!band || *band == Band::kNone)
    return invalid_input("--min-band must be exact, strong or possible, not '" + o.min_band + "'");
  if (o.limit < 1) return invalid_input("--limit must be 1 or more");
  if (!o.batch.empty()) {
    if (!o.given.empty() || !o.surname.empty() || !o.dob.empty() || !o.postcode.empty() ||
        !o.house.empty())
      return Error(
          Errc::kInvalidInput,
          "--batch cannot be combined with --given, --surname, --dob, --postcode or --house",
          {"put the people to look up in the batch file"});
    return run_batch(g, o, *band);
  }
  if (o.output != "-") return invalid_input("--output is for --batch");
  return run_single(g, o, *band);
}

}  // namespace

void add_lookup(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<LookupOptions>();
  CLI::App* sub = app.add_subcommand("lookup", "find a person (or a list of people) in the cohort");
  sub->add_option("--given", o->given, "given name as the partner gave it");
  sub->add_option("--surname", o->surname, "surname as the partner gave it");
  sub->add_option("--dob", o->dob,
                  "date of birth: YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY");
  sub->add_option("--postcode", o->postcode, "postcode, any case or spacing");
  sub->add_option("--house", o->house,
                  "house number or name: 12, 12A, \"Flat 3, 12\", \"Rose Cottage\"");
  sub->add_option("--min-band", o->min_band,
                  "lowest band to report: exact, strong or possible (default possible)");
  sub->add_option("--limit", o->limit, "at most this many people in a single lookup (default 5)");
  sub->add_option("--format", o->format, "text or json (single); csv or jsonl (--batch)");
  sub->add_option("--batch", o->batch, "look up every row of this CSV file (- for standard input)");
  sub->add_option("--output", o->output,
                  "where --batch writes its results (default - for standard output)");
  sub->add_option(
      "--to", o->to,
      "seal the --batch results to this partner (repeatable): band and lead contact only");
  sub->add_option("--from", o->from, "a sealed --batch request must be signed by this partner");
  sub->add_flag("--no-verify", o->no_verify,
                "open a sealed --batch request without checking its signature");
  sub->add_flag("--armor", o->armor, "with --to: write the sealed reply as ASCII armor");
  sub->add_option(
      "--passphrase-file", o->passphrase_file,
      "file holding the passphrase of the team keys (default $SFCOHORT_PASSPHRASE_FILE)");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_lookup(g, *o); }; });
}

}  // namespace sfcohort::cli

// Rows travel in chunks of 256 so the workers take the lock once per chunk,
// not per row; the chunks come back through a map keyed by their sequence
// number, which puts them back in input order however the workers finish.
#include "match/batch_pool.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "sfcohort/batch.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::batch {

namespace {

// The query of row R, with the fields that are not valid (a date or a
// postcode) left out and named in PROBLEMS ("dob '31/09/2015' is not a
// date"); SKIPPED lists their names.
Query query_of(const Layout& layout, const Row& r, std::vector<std::string>& problems,
               std::vector<std::string>& skipped) {
  auto field = [&](int i) -> std::string {
    return i >= 0 && static_cast<size_t>(i) < r.fields.size() ? r.fields[static_cast<size_t>(i)]
                                                              : "";
  };
  Query q{field(layout.given),    field(layout.surname), field(layout.dob),
          field(layout.postcode), field(layout.house),   field(layout.sex)};
  if (!trim(q.dob).empty()) {
    if (auto d = parse_date(q.dob); !d) {
      problems.push_back("dob " + d.error().message);
      skipped.push_back("dob");
      q.dob.clear();
    }
  }
  if (!trim(q.postcode).empty()) {
    // A postcode mistyped into one no area has ('H5D 7XB', 'HO4 4LL') is a
    // messy record, not an unreadable one: compared as written, as a single
    // lookup does, its why says postcode=invalid. What is not shaped like a
    // postcode at all ('N/A', a date, a house number) is an error.
    if (auto pc = parse_postcode(q.postcode); !pc && !shaped_like_postcode(q.postcode)) {
      problems.push_back("postcode " + pc.error().message);
      skipped.push_back("postcode");
      q.postcode.clear();
    }
  }
  return q;
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// Looks Q up; a preferred forename is a second given name: looked up too
// when the legal one found no exact match, and the better answer kept.
Result<LookupResult> lookup_row(Matcher& m, const LookupOptions& lo, const Layout& layout,
                                const Row& r, Query q) {
  auto got = m.lookup(q, lo);
  if (!got) return got.error();
  const size_t at = static_cast<size_t>(layout.preferred);
  const std::string preferred = layout.preferred >= 0 && at < r.fields.size() ? r.fields[at] : "";
  if (preferred.empty() || preferred == q.given_name ||
      (!got->matches.empty() && got->matches.front().band == Band::kExact))
    return got;
  q.given_name = preferred;
  auto alt = m.lookup(q, lo);
  if (!alt) return alt.error();
  if (!alt->matches.empty() &&
      (got->matches.empty() || alt->matches.front().score > got->matches.front().score))
    return alt;
  return got;
}

}  // namespace

Status process_row(Matcher& m, const LookupOptions& lo, const Layout& layout, Row& r) {
  // match, score, family_id, person_id, candidates, why, household
  std::vector<std::string> outcols(8);
  nlohmann::json why = nlohmann::json::object();
  std::vector<std::string> problems, skipped, household;
  // A row with one unreadable field comes with that field empty and the
  // others as read; one that could not be read at all, with no fields.
  const size_t width = r.fields.size();
  const bool unreadable = !r.error.empty() && width != layout.ncols;
  if (!r.error.empty()) problems.push_back(r.error);
  const bool ragged = r.error.empty() && width != layout.ncols;
  if (ragged)
    problems.push_back("has " + std::to_string(width) + " fields, the header has " +
                       std::to_string(layout.ncols));
  Query q = query_of(layout, r, problems, skipped);
  // A row the reader could not read, or of the wrong width, is not looked
  // up: its fields may be shifted. One with a bad field (a date, a postcode,
  // bytes that are not text) is looked up on the others, and says so.
  const bool look =
      !unreadable && !ragged && !(q.given_name.empty() && q.surname.empty() && q.dob.empty());
  std::optional<LookupResult> res;
  if (look) {
    auto got = lookup_row(m, lo, layout, r, q);
    if (!got) return got.error();
    res = std::move(*got);
  }
  r.failed = !problems.empty();
  char score[16] = "0.0000";
  std::string band = "none", why_text;
  if (res) {
    if (!res->matches.empty()) {
      const Match& x = res->matches.front();
      std::snprintf(score, sizeof score, "%.4f", x.score);
      r.band = x.band;
      band = std::string(band_name(x.band));
      outcols[2] = x.person.family_id;
      outcols[3] = x.person.id;
      r.person_id = x.person.id;
      r.family_id = x.person.family_id;
      outcols[7] = layout.closed && layout.closed->count(x.person.family_id) ? "closed" : "active";
      // JSON is built only for JSON Lines: it is a fair share of a CSV row's cost.
      if (layout.jsonl)
        why = why_json(x.why);
      else
        why_text = x.why.to_string();
    }
    outcols[4] = std::to_string(res->candidates);
    for (const auto& fam : res->household) household.push_back(fam.family_id);
  }
  outcols[0] = r.failed ? "error" : band;
  if (outcols[4].empty()) outcols[4] = "0";
  outcols[1] = score;
  if (r.failed) {
    std::string e = joined(problems, "; ");
    if (res)
      e += "; looked up on the other fields: " + band +
           (why_text.empty() ? "" : " (" + why_text + ")");
    else
      e += "; not looked up";
    outcols[5] = e;
    if (layout.jsonl) {
      nlohmann::json w = {{"error", problems}, {"looked_up", res.has_value()}};
      if (res) {
        w["without"] = skipped;
        w["band"] = band;
        w["fields"] = why;
      }
      why = w;
    }
  } else {
    outcols[5] = why_text;
  }
  outcols[6] = joined(household, ";");
  r.fields.resize(layout.ncols);
  if (layout.xlsx) {
    r.fields.insert(r.fields.end(), outcols.begin(), outcols.end());
    return Ok{};
  }
  if (!layout.jsonl) {
    std::vector<std::string> rowv = std::move(r.fields);
    rowv.insert(rowv.end(), outcols.begin(), outcols.end());
    append_csv_row(r.text, rowv);
  } else {
    // The partner's row under input (its own column names), our answer
    // under result: schemas/batch-record.schema.json.
    nlohmann::ordered_json in = nlohmann::ordered_json::object();
    for (size_t i = 0; i < layout.header.size(); ++i) in[layout.header[i]] = r.fields[i];
    nlohmann::ordered_json res_j = {{"match", outcols[0]},
                                    {"score", std::stod(outcols[1])},
                                    {"family_id", outcols[2]},
                                    {"person_id", outcols[3]},
                                    {"candidates", res ? res->candidates : 0},
                                    {"why", nlohmann::ordered_json(why)},
                                    {"household", household},
                                    {"status", outcols[7]}};
    nlohmann::ordered_json j = {
        {"schema", kJsonlSchema}, {"row", r.row}, {"input", in}, {"result", res_j}};
    r.text = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    r.text += '\n';
  }
  r.fields.clear();
  return Ok{};
}

Pool::Pool(const Context& ctx, std::shared_ptr<const CohortIndex> index, const LookupOptions& lo,
           const Layout& layout, int threads)
    : lo_(lo), layout_(layout), index_(std::move(index)) {
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this, ctx] { work(ctx); });
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> l(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void Pool::submit(Chunk chunk) {
  std::lock_guard<std::mutex> l(mu_);
  ++inflight_;
  todo_.emplace_back(next_in_++, std::move(chunk));
  cv_.notify_all();
}

bool Pool::full() {
  std::lock_guard<std::mutex> l(mu_);
  return inflight_ >= kInFlight;
}

Result<std::optional<Pool::Chunk>> Pool::next(bool wait) {
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

void Pool::work(Context ctx) {
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
      if (auto st = process_row(*m, lo_, layout_, r); !st) return fail(st.error());
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      done_.emplace(job.first, std::move(job.second));
    }
    cv_.notify_all();
  }
}

void Pool::fail(const Error& e) {
  std::lock_guard<std::mutex> l(mu_);
  if (error_.message.empty()) error_ = e;
  cv_.notify_all();
}

}  // namespace sfcohort::batch

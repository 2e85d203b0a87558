// Rows travel in chunks of 256 so the workers take the lock once per chunk,
// not per row; the chunks come back through a map keyed by their sequence
// number, which puts them back in input order however the workers finish.
#include "match/batch_pool.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "sfcohort/batch.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::batch {

Status process_row(Matcher& m, const LookupOptions& lo, const Layout& layout, Row& r) {
  std::vector<std::string> outcols(8);
  nlohmann::json why = nlohmann::json::object();
  auto field = [&](int i) -> std::string {
    return i >= 0 && static_cast<size_t>(i) < r.fields.size() ? r.fields[static_cast<size_t>(i)]
                                                              : "";
  };
  if (!r.error.empty()) {
    outcols[0] = "error";
    outcols[5] = r.error;
    if (layout.jsonl) why = {{"error", r.error}};
  } else {
    Query q{field(layout.given), field(layout.surname), field(layout.dob), field(layout.postcode),
            field(layout.house)};
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
      outcols[7] = layout.closed && layout.closed->count(x.person.family_id) ? "closed" : "active";
      // JSON is built only for JSON Lines: it is a fair share of a CSV row's cost.
      if (layout.jsonl) {
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
  r.fields.resize(layout.ncols);
  if (!layout.jsonl) {
    std::vector<std::string> rowv = std::move(r.fields);
    rowv.insert(rowv.end(), outcols.begin(), outcols.end());
    append_csv_row(r.text, rowv);
  } else {
    nlohmann::json j = nlohmann::json::object();
    j["row"] = r.row;
    for (size_t i = 0; i < layout.in_names.size(); ++i) j[layout.in_names[i]] = r.fields[i];
    j["match"] = outcols[0];
    j["score"] = r.error.empty() ? std::stod(outcols[1]) : 0.0;
    j["family_id"] = outcols[2];
    j["person_id"] = outcols[3];
    j["candidates"] = r.error.empty() ? std::stoi(outcols[4]) : 0;
    j["why"] = why;
    j["household"] = outcols[6];
    j["status"] = outcols[7];
    r.text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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

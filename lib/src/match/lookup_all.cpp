// Many lookups over one CohortIndex on several threads (sfcohort/lookup.hpp).
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "sfcohort/context.hpp"
#include "sfcohort/lookup.hpp"

namespace sfcohort {

Result<std::vector<LookupResult>> lookup_all(const std::shared_ptr<const CohortIndex>& index,
                                             const std::vector<const Query*>& queries,
                                             const LookupOptions& opts, int threads) {
  std::vector<LookupResult> out(queries.size());
  // Queries are taken a few at a time: each thread's share evens out
  // however long single lookups take.
  constexpr size_t kStep = 32;
  std::atomic<size_t> next{0};
  std::mutex mu;
  Error first;
  auto work = [&] {
    Matcher m = Matcher::create(index);
    for (;;) {
      const size_t from = next.fetch_add(kStep);
      if (from >= queries.size()) return;
      for (size_t i = from; i < std::min(from + kStep, queries.size()); ++i) {
        Result<LookupResult> r =
            interrupted() ? Result<LookupResult>(Error(Errc::kInterrupted, "interrupted"))
                          : m.lookup(*queries[i], opts);
        if (!r) {
          std::lock_guard<std::mutex> l(mu);
          if (first.message.empty()) first = r.error();
          next = queries.size();  // the others stop at their next step
          return;
        }
        out[i] = std::move(*r);
      }
    }
  };
  const size_t n = std::clamp<size_t>(queries.size() / kStep, 1, std::max(threads, 1));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (!first.message.empty()) return first;
  return out;
}

}  // namespace sfcohort

// The worker side of a bulk lookup (sfcohort/batch.hpp): rows in chunks,
// looked up on worker threads and handed back in input order. Private to
// match/.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "sfcohort/context.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/result.hpp"

namespace sfcohort::batch {

// One input row on its way through the batch.
struct Row {
  long long row = 0;  // the input's record number
  std::vector<std::string> fields;
  std::string error;    // the row could not be read: why
  bool failed = false;  // answered match=error (unreadable, or a field not valid)
  Band band = Band::kNone;
  std::string text;  // its output, formatted (CSV record or JSON line)
  // The person the output returns (its person_id column), and their family.
  std::string person_id, family_id;
};

// Where the query's fields are in an input row, and how output is written.
struct Layout {
  bool jsonl = false;
  bool xlsx = false;                  // R.fields is left holding the output row, R.text empty
  std::vector<std::string> in_names;  // the input columns as the CSV output names them
  std::vector<std::string> header;    // the input columns as written (JSON Lines)
  size_t ncols = 0;                   // columns in the header
  int given = -1, preferred = -1, surname = -1, dob = -1, postcode = -1, house = -1, sex = -1;
  // The closed families (status column "closed"; "active" for the others).
  std::shared_ptr<const std::unordered_set<std::string>> closed;
};

// The output columns after the input's, in order.
inline constexpr const char* kOutCols[] = {"match",      "score", "family_id", "person_id",
                                           "candidates", "why",   "household", "status"};

// Looks R up with M (unless R.error says it is unreadable) and formats its
// output into R.text, R.fields consumed; for a workbook, into R.fields.
Status process_row(Matcher& m, const LookupOptions& lo, const Layout& layout, Row& r);

// Worker threads, each with its own matcher, look rows up in chunks; the
// calling thread submits chunks and takes them back, done, in input order.
// The caller keeps at most kInFlight chunks submitted and not taken back
// (see full()), so memory is bounded whatever the input's size.
class Pool {
 public:
  static constexpr size_t kChunk = 256;
  static constexpr size_t kInFlight = 16;
  using Chunk = std::vector<Row>;

  // Starts THREADS workers. Each looks up over INDEX when there is one, else
  // over its own connection to the database of CTX.
  Pool(const Context& ctx, std::shared_ptr<const CohortIndex> index, const LookupOptions& lo,
       const Layout& layout, int threads);
  ~Pool();  // stops and joins the workers
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  void submit(Chunk chunk);
  // True when kInFlight chunks are submitted and not taken back.
  bool full();
  // The next chunk in input order: waits for it when WAIT; nullopt when it
  // is not done yet (and not WAIT) or no chunk is pending. A worker's error
  // is returned here.
  Result<std::optional<Chunk>> next(bool wait);

 private:
  void work(Context ctx);
  void fail(const Error& e);

  LookupOptions lo_;
  Layout layout_;
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

}  // namespace sfcohort::batch

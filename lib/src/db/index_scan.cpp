#include "db/index_scan.hpp"
#include "db/store_access.hpp"

#include <atomic>
#include <latch>
#include <thread>

#include "db/family_cursor.hpp"
#include "db/sql.hpp"

namespace sfcohort::index_scan {
namespace {

using match_tables::EntriesView;
using match_tables::NameKind;

// What both threads share. People are read in ranges of pks, by whichever
// thread is free: the postings take one connection less time than the
// people take the other.
struct Scan {
  static constexpr int64_t kSpan = 1 << 16;
  Sink& sink;
  size_t chunks = 0;
  std::atomic<int64_t> next_chunk{0};
  std::atomic<bool> stopped{false};
  // The sink said no: every thread stops at its next step.
  bool stop() {
    stopped = true;
    next_chunk = static_cast<int64_t>(chunks);
    return false;
  }
};

// Every row of QUERY to FN (a template over the row, which returns false
// to stop): on PostgreSQL streamed over COPY in its binary format, one row
// at a time rather than the whole result at once; on SQLite stepped.
template <typename F>
Status each_row(sql::Db& db, const std::string& query, F&& fn) {
  if (db.postgres()) {
    return db.copy_out(query, [&](const sql::CopyRow& row) -> bool { return fn(row); });
  }
  auto st = db.prepare(query);
  if (!st) return st.error();
  const sql::Stmt& row = *st;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r || !fn(row)) return Ok{};
  }
}

Status read_postings(sql::Db& db, Scan& scan) {
  auto entries = db.scalar_int("SELECT coalesce(sum(length(data)), 0) FROM match_bucket");
  if (!entries) return entries.error();
  if (!scan.sink.posting_count(static_cast<size_t>(*entries / 16))) {
    scan.stop();
    return Ok{};
  }
  return each_row(db, "SELECT bucket, data FROM match_bucket ORDER BY bucket",
                  [&](const auto& row) -> bool {
                    if (scan.stopped) return false;
                    // Postings are grouped by their key's top 16 bits: a row
                    // outside those groups holds none a probe could find.
                    const int64_t b = row.int64(0);
                    if (b < 0 || b > 0xffff) return true;
                    const std::string_view data = row.blob(1);
                    if (scan.sink.postings(EntriesView(data.data(), data.size()))) return true;
                    scan.stop();
                    return false;
                  });
}

Status read_names(sql::Db& db, Sink& sink) {
  return each_row(db, "SELECT kind, name, n FROM name_freq", [&](const auto& row) -> bool {
    const std::string_view kind = row.text_view(0);
    if (kind.size() != 1) return true;
    const auto k = static_cast<NameKind>(kind[0]);
    if (k != NameKind::kGiven && k != NameKind::kSurname && k != NameKind::kEveryone) return true;
    sink.name_count(k, row.text_view(1), row.int64(2));
    return true;
  });
}

Status read_families(sql::Db& db, Scan& scan) {
  bool refused = false;
  SF_TRY(each_row(db, "SELECT id, status IN ('cohort', 'closed') FROM family",
                  [&](const auto& row) -> bool {
                    if (scan.sink.family(row.text_view(0), row.int64(1) != 0)) return true;
                    refused = true;
                    scan.stop();
                    return false;
                  }));
  if (!refused) scan.sink.families_done();
  return Ok{};
}

// On PostgreSQL, a chunk's people come over COPY (no parameters there:
// its bounds are written into the query).
Status copy_people(sql::Db& db, Scan& scan, int reader) {
  for (;;) {
    const int64_t c = scan.next_chunk.fetch_add(1);
    if (c >= static_cast<int64_t>(scan.chunks) || scan.stopped) return Ok{};
    const std::string query =
        "SELECT pk, id, family_id, given_name, middle_names, surname, dob, postcode, house, "
        "sex FROM person WHERE pk >= " +
        std::to_string(c * Scan::kSpan) + " AND pk < " + std::to_string((c + 1) * Scan::kSpan) +
        " ORDER BY pk";
    SF_TRY(each_row(db, query, [&](const auto& row) -> bool {
      const PersonView p{row.int64(0),     row.text_view(1), row.text_view(2), row.text_view(3),
                         row.text_view(4), row.text_view(5), row.text_view(6), row.text_view(7),
                         row.text_view(8), row.text_view(9)};
      if (scan.sink.person(reader, static_cast<size_t>(c), p)) return true;
      scan.stop();
      return false;
    }));
  }
}

Status read_people(sql::Db& db, Scan& scan, int reader) {
  if (db.postgres()) return copy_people(db, scan, reader);
  auto st = db.prepare(
      "SELECT pk, id, family_id, given_name, middle_names, surname, dob, postcode, house, "
      "sex FROM person WHERE pk >= ?1 AND pk < ?2 ORDER BY pk");
  if (!st) return st.error();
  const sql::Stmt& row = *st;
  for (;;) {
    const int64_t c = scan.next_chunk.fetch_add(1);
    if (c >= static_cast<int64_t>(scan.chunks) || scan.stopped) return Ok{};
    st->bind(1, c * Scan::kSpan).bind(2, (c + 1) * Scan::kSpan);
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      const PersonView p{row.int64(0),     row.text_view(1), row.text_view(2), row.text_view(3),
                         row.text_view(4), row.text_view(5), row.text_view(6), row.text_view(7),
                         row.text_view(8), row.text_view(9)};
      if (!scan.sink.person(reader, static_cast<size_t>(c), p)) {
        scan.stop();
        return Ok{};
      }
    }
    st->reset();
  }
}

}  // namespace

Result<bool> scan(Store& store, Store* second, Sink& sink) {
  Scan work{sink};
  {
    auto maxpk = db::connection(store).scalar_int("SELECT coalesce(max(pk), 0) FROM person");
    if (!maxpk) return maxpk.error();
    work.chunks = *maxpk < 0 ? 0 : static_cast<size_t>(*maxpk / Scan::kSpan + 1);
    if (!sink.start(*maxpk, work.chunks)) return false;
  }
  // A scan reads each page once: a page cache only adds to the memory used
  // (STORE's own setting is put back after). PostgreSQL's cache is the
  // server's.
  struct RestoreCache {
    sql::Db& db;
    int64_t pages = 0;
    bool set = false;
    ~RestoreCache() {
      if (set) (void)db.exec("PRAGMA cache_size = " + std::to_string(pages));
    }
  } restore{db::connection(store)};
  if (!db::connection(store).postgres()) {
    auto cache = db::connection(store).scalar_int("PRAGMA cache_size");
    if (!cache) return cache.error();
    SF_TRY(db::connection(store).exec("PRAGMA cache_size = -2048"));
    restore.pages = *cache;
    restore.set = true;
  }
  // The sink is given the families before any person (it stores a person
  // with its family's position), so STORE reads them first while SECOND
  // reads the postings.
  std::latch families_read(1);
  bool families_ok = false;  // written before the latch opens, read after
  auto on_main = [&]() -> Status {
    db::ReadSnapshot tx(db::connection(store));
    Status st = [&]() -> Status {
      SF_TRY(tx.begin());
      SF_TRY(read_names(db::connection(store), sink));
      return read_families(db::connection(store), work);
    }();
    families_ok = st.has_value() && !work.stopped;
    families_read.count_down();
    SF_TRY(st);
    if (work.stopped) return Ok{};
    if (!second) SF_TRY(read_postings(db::connection(store), work));
    return read_people(db::connection(store), work, 0);
  };
  auto on_second = [&]() -> Status {
    db::ReadSnapshot tx(db::connection(*second));
    SF_TRY(tx.begin());
    SF_TRY(read_postings(db::connection(*second), work));
    families_read.wait();
    if (!families_ok) return Ok{};
    return read_people(db::connection(*second), work, 1);
  };
  Status second_status = Ok{};
  std::thread t;
  if (second) {
    t = std::thread([&] {
      second_status = on_second();
      if (!second_status) work.stop();
    });
  }
  Status main_status = on_main();
  if (!main_status) work.stop();  // the other thread stops soon
  if (second) t.join();
  if (!main_status) return main_status.error();
  if (!second_status) return second_status.error();
  return !work.stopped;
}

}  // namespace sfcohort::index_scan

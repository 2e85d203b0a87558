#include "db/match_tables.hpp"
#include "db/store_access.hpp"

#include <algorithm>
#include <bit>
#include <iterator>

#include "db/sql.hpp"

namespace sfcohort::match_tables {
namespace {

// A bucket row holds every posting whose key has these top 16 bits, as
// 16-byte records (key, pk), each little-endian, sorted: a probe is one
// indexed read and a binary search, and a bulk write rewrites each row once.
// Written over when the person is indexed again (both backends' upsert).
constexpr const char* kPersonUpsert =
    " ON CONFLICT(pk) DO UPDATE SET keys = excluded.keys, given = excluded.given, "
    "surname = excluded.surname";

int64_t bucket_of(uint64_t key) { return static_cast<int64_t>(key >> 48); }

void put64(std::string& b, uint64_t v) {
  for (int j = 0; j < 8; ++j) b += static_cast<char>((v >> (8 * j)) & 0xff);
}

// match_person.keys: each key little-endian, which on a little-endian
// machine is the vector's own bytes (bound as they are: SQLite copies them).
std::string_view packed(const std::vector<uint64_t>& keys, std::string& scratch) {
  if constexpr (std::endian::native == std::endian::little) {
    return {reinterpret_cast<const char*>(keys.data()), keys.size() * 8};
  } else {
    scratch.clear();
    for (uint64_t k : keys) put64(scratch, k);
    return scratch;
  }
}

const char* kind_text(NameKind kind) {
  switch (kind) {
    case NameKind::kGiven:
      return "G";
    case NameKind::kSurname:
      return "S";
    case NameKind::kEveryone:
      break;
  }
  return "#";
}

Result<std::vector<Entry>> read_bucket(Store& store, int64_t bucket) {
  auto st = db::cached(store, "SELECT data FROM match_bucket WHERE bucket = ?1");
  if (!st) return st.error();
  (*st)->bind(1, bucket);
  auto r = (*st)->step();
  if (!r) return r.error();
  std::vector<Entry> out;
  if (*r) {
    const std::string_view data = (*st)->blob(0);
    const EntriesView v(data.data(), data.size());
    out.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i) out.emplace_back(v.key(i), v.pk(i));
  }
  (*st)->reset();
  return out;
}

Status write_bucket(Store& store, int64_t bucket, const std::vector<Entry>& entries) {
  if (entries.empty()) {
    auto st = db::cached(store, "DELETE FROM match_bucket WHERE bucket = ?1");
    if (!st) return st.error();
    (*st)->bind(1, bucket);
    return (*st)->run();
  }
  std::string b;
  b.reserve(entries.size() * 16);
  for (const auto& e : entries) {
    put64(b, e.first);
    put64(b, static_cast<uint64_t>(e.second));
  }
  auto st = db::cached(store,
                       "INSERT INTO match_bucket(bucket, data) VALUES (?1, ?2) "
                       "ON CONFLICT(bucket) DO UPDATE SET data = excluded.data");
  if (!st) return st.error();
  (*st)->bind(1, bucket).bind_blob(2, b.data(), b.size());
  return (*st)->run();
}

Status put_one(Store& store, const IndexedPerson& r, std::string& scratch) {
  auto st = db::cached(
      store, "INSERT INTO match_person(pk, keys, given, surname) VALUES (?1, ?2, ?3, ?4)" +
                 std::string(kPersonUpsert));
  if (!st) return st.error();
  const std::string_view keys = packed(r.keys, scratch);
  (*st)->bind(1, r.pk).bind_blob(2, keys.data(), keys.size()).bind(3, r.given);
  (*st)->bind(4, r.surname);
  return (*st)->run();
}

// COPY's text form of a bytea: \x and its hex digits (the backslash
// escaped for COPY).
void copy_bytea(std::string& row, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  row += "\t\\\\x";
  for (unsigned char c : bytes) {
    row += kHex[c >> 4];
    row += kHex[c & 15];
  }
}

// On PostgreSQL a bulk write of postings reads and writes buckets in spans
// of this many, each with one COPY out and one COPY into a staging table
// merged by one statement: the memory a span takes, not every bucket's.
constexpr int64_t kBucketSpan = 4096;

// update_postings on PostgreSQL for sorted ADDS and DELS.
Status update_postings_pg(sql::Db& db, const std::vector<Entry>& adds,
                          const std::vector<Entry>& dels) {
  SF_TRY(db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS stage_bucket (bucket bigint, data bytea) ON COMMIT DROP"));
  size_t ia = 0, id = 0;
  std::string rows, empty;
  std::vector<Entry> kept, merged;
  while (ia < adds.size() || id < dels.size()) {
    const int64_t first = std::min(ia < adds.size() ? bucket_of(adds[ia].first) : INT64_MAX,
                                   id < dels.size() ? bucket_of(dels[id].first) : INT64_MAX);
    const int64_t end = (first / kBucketSpan + 1) * kBucketSpan;
    // The span's buckets as stored, merged in bucket order with what changes.
    rows.clear();
    empty.clear();
    auto merge = [&](int64_t b, std::string_view data) {
      size_t ea = ia, ed = id;
      while (ea < adds.size() && bucket_of(adds[ea].first) == b) ++ea;
      while (ed < dels.size() && bucket_of(dels[ed].first) == b) ++ed;
      const EntriesView cur(data.data(), data.size());
      kept.clear();
      for (size_t i = 0; i < cur.size(); ++i) kept.emplace_back(cur.key(i), cur.pk(i));
      std::vector<Entry> left;
      std::set_difference(kept.begin(), kept.end(), dels.begin() + static_cast<long>(id),
                          dels.begin() + static_cast<long>(ed), std::back_inserter(left));
      merged.clear();
      std::set_union(left.begin(), left.end(), adds.begin() + static_cast<long>(ia),
                     adds.begin() + static_cast<long>(ea), std::back_inserter(merged));
      ia = ea;
      id = ed;
      if (merged.empty()) {
        empty += (empty.empty() ? "" : ",") + std::to_string(b);
        return;
      }
      std::string b16;
      b16.reserve(merged.size() * 16);
      for (const auto& e : merged) {
        put64(b16, e.first);
        put64(b16, static_cast<uint64_t>(e.second));
      }
      rows += std::to_string(b);
      copy_bytea(rows, b16);
      rows += '\n';
    };
    auto next_changed = [&]() {
      return std::min(ia < adds.size() ? bucket_of(adds[ia].first) : INT64_MAX,
                      id < dels.size() ? bucket_of(dels[id].first) : INT64_MAX);
    };
    SF_TRY(db.copy_out(
        "SELECT bucket, data FROM match_bucket WHERE bucket >= " + std::to_string(first) +
            " AND bucket < " + std::to_string(end) + " ORDER BY bucket",
        [&](const sql::CopyRow& r) {
          const int64_t b = r.int64(0);
          // Buckets that change and are not stored yet come first.
          for (int64_t n = next_changed(); n < b; n = next_changed()) merge(n, {});
          if (next_changed() == b) merge(b, r.blob(1));
          return true;
        }));
    for (int64_t n = next_changed(); n < end; n = next_changed()) merge(n, {});
    if (!rows.empty()) {
      SF_TRY(db.copy_in("COPY stage_bucket (bucket, data) FROM STDIN", rows));
      SF_TRY(
          db.exec("INSERT INTO match_bucket(bucket, data) SELECT bucket, data FROM stage_bucket "
                  "ON CONFLICT(bucket) DO UPDATE SET data = excluded.data; TRUNCATE stage_bucket"));
    }
    if (!empty.empty()) SF_TRY(db.exec("DELETE FROM match_bucket WHERE bucket IN (" + empty + ")"));
  }
  return Ok{};
}

// put_indexed_people on PostgreSQL: new people's rows copied into the table
// while the caller goes on (sql::Conn::copy_in_later); others' into a
// staging table, merged by one statement.
Status put_indexed_people_pg(sql::Db& db, std::span<const IndexedPerson> people, bool new_people) {
  std::string rows, scratch;
  for (const IndexedPerson& r : people) {
    rows += std::to_string(r.pk);
    copy_bytea(rows, packed(r.keys, scratch));
    sql::copy_field(rows, r.given);
    sql::copy_field(rows, r.surname);
    rows += '\n';
  }
  if (new_people) {
    sql::Conn::Copies copies;
    copies.emplace_back("COPY match_person (pk, keys, given, surname) FROM STDIN", std::move(rows));
    return db.copy_in_later(std::move(copies));
  }
  SF_TRY(
      db.exec("CREATE TEMP TABLE IF NOT EXISTS stage_match_person (pk bigint, keys bytea, given "
              "text, surname text) ON COMMIT DROP"));
  SF_TRY(db.copy_in("COPY stage_match_person (pk, keys, given, surname) FROM STDIN", rows));
  return db.exec(
      "INSERT INTO match_person(pk, keys, given, surname) SELECT pk, keys, given, surname FROM "
      "stage_match_person" +
      std::string(kPersonUpsert) + "; TRUNCATE stage_match_person");
}

// The postings of K found in DATA, a bucket's row, added to PKS.
void take_postings(std::string_view data, uint64_t k, size_t max_block, std::vector<int64_t>& pks) {
  const EntriesView v(data.data(), data.size());
  const size_t from = v.lower_bound(k);
  size_t to = from;
  while (to < v.size() && v.key(to) == k) ++to;
  if (to - from <= max_block)
    for (size_t i = from; i < to; ++i) pks.push_back(v.pk(i));
}

// people_with_keys on PostgreSQL: every bucket in one query, not a round
// trip to the server a key.
Status people_with_keys_pg(Store& store, std::vector<uint64_t> keys, size_t max_block,
                           std::vector<int64_t>& pks) {
  std::sort(keys.begin(), keys.end());
  std::vector<int64_t> buckets;
  for (uint64_t k : keys)
    if (buckets.empty() || buckets.back() != bucket_of(k)) buckets.push_back(bucket_of(k));
  auto st = db::cached(store,
                       "SELECT bucket, data FROM match_bucket WHERE bucket = ANY(?1::bigint[]) "
                       "ORDER BY bucket");
  if (!st) return st.error();
  (*st)->bind(1, sql::array_literal(buckets));
  size_t i = 0;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    const int64_t b = (*st)->int64(0);
    while (i < keys.size() && bucket_of(keys[i]) < b) ++i;
    for (; i < keys.size() && bucket_of(keys[i]) == b; ++i)
      take_postings((*st)->blob(1), keys[i], max_block, pks);
  }
  (*st)->reset();
  return Ok{};
}

}  // namespace

Status people_with_keys(Store& store, const std::vector<uint64_t>& keys, size_t max_block,
                        std::vector<int64_t>& pks) {
  if (db::connection(store).postgres()) return people_with_keys_pg(store, keys, max_block, pks);
  auto st = db::cached(store, "SELECT data FROM match_bucket WHERE bucket = ?1");
  if (!st) return st.error();
  for (uint64_t k : keys) {
    (*st)->bind(1, bucket_of(k));
    auto r = (*st)->step();
    if (!r) return r.error();
    // Read in place: a bucket is copied nowhere on a probe.
    if (*r) take_postings((*st)->blob(0), k, max_block, pks);
    (*st)->reset();
  }
  return Ok{};
}

Status update_postings(Store& store, std::vector<Entry> adds, std::vector<Entry> dels) {
  std::sort(adds.begin(), adds.end());
  adds.erase(std::unique(adds.begin(), adds.end()), adds.end());
  std::sort(dels.begin(), dels.end());
  // Many buckets at once (an import's) are written in bulk on PostgreSQL.
  if (db::connection(store).postgres() && adds.size() + dels.size() >= 4096)
    return update_postings_pg(db::connection(store), adds, dels);
  size_t ia = 0, id = 0;
  std::vector<Entry> merged;
  while (ia < adds.size() || id < dels.size()) {
    int64_t b = std::min(ia < adds.size() ? bucket_of(adds[ia].first) : INT64_MAX,
                         id < dels.size() ? bucket_of(dels[id].first) : INT64_MAX);
    size_t ea = ia, ed = id;
    while (ea < adds.size() && bucket_of(adds[ea].first) == b) ++ea;
    while (ed < dels.size() && bucket_of(dels[ed].first) == b) ++ed;
    auto cur = read_bucket(store, b);
    if (!cur) return cur.error();
    // (current - deleted) + added: a key the person keeps is deleted and added.
    std::vector<Entry> kept;
    kept.reserve(cur->size());
    std::set_difference(cur->begin(), cur->end(), dels.begin() + static_cast<long>(id),
                        dels.begin() + static_cast<long>(ed), std::back_inserter(kept));
    merged.clear();
    std::set_union(kept.begin(), kept.end(), adds.begin() + static_cast<long>(ia),
                   adds.begin() + static_cast<long>(ea), std::back_inserter(merged));
    SF_TRY(write_bucket(store, b, merged));
    ia = ea;
    id = ed;
  }
  return Ok{};
}

Result<bool> indexed_person(Store& store, int64_t pk, IndexedPerson& out) {
  auto st = db::cached(store, "SELECT keys, given, surname FROM match_person WHERE pk = ?1");
  if (!st) return st.error();
  (*st)->bind(1, pk);
  auto found = (*st)->step();
  if (!found) return found.error();
  if (*found) {
    const std::string_view data = (*st)->blob(0);
    const auto* u = reinterpret_cast<const unsigned char*>(data.data());
    out.pk = pk;
    out.keys.resize(data.size() / 8);
    for (size_t i = 0; i < out.keys.size(); ++i) {
      uint64_t k = 0;
      for (int j = 0; j < 8; ++j) k |= static_cast<uint64_t>(u[i * 8 + j]) << (8 * j);
      out.keys[i] = k;
    }
    out.given = (*st)->text(1);
    out.surname = (*st)->text(2);
  }
  (*st)->reset();
  return *found;
}

Status put_indexed_people(Store& store, std::span<const IndexedPerson> rows, bool new_people) {
  // Fifty rows to a statement: a tenth of the statements an import of new
  // people would otherwise run.
  constexpr size_t kBatch = 50;
  if (db::connection(store).postgres() && rows.size() >= kBatch)
    return put_indexed_people_pg(db::connection(store), rows, new_people);
  std::string scratch;
  size_t i = 0;
  if (rows.size() >= kBatch) {
    std::string sql = "INSERT INTO match_person(pk, keys, given, surname) VALUES ";
    for (size_t j = 0; j < kBatch; ++j) {
      sql += (j ? ",(?" : "(?") + std::to_string(j * 4 + 1) + ",?" + std::to_string(j * 4 + 2) +
             ",?" + std::to_string(j * 4 + 3) + ",?" + std::to_string(j * 4 + 4) + ")";
    }
    if (!new_people) sql += kPersonUpsert;
    auto st = db::cached(store, sql);
    if (!st) return st.error();
    for (; i + kBatch <= rows.size(); i += kBatch) {
      for (size_t j = 0; j < kBatch; ++j) {
        const IndexedPerson& r = rows[i + j];
        const int at = static_cast<int>(j * 4);
        const std::string_view keys = packed(r.keys, scratch);
        (*st)->bind(at + 1, r.pk).bind_blob(at + 2, keys.data(), keys.size());
        (*st)->bind(at + 3, r.given).bind(at + 4, r.surname);
      }
      SF_TRY((*st)->run());
    }
  }
  for (; i < rows.size(); ++i) SF_TRY(put_one(store, rows[i], scratch));
  return Ok{};
}

Status lock_index(Store& store) {
  sql::Db& db = db::connection(store);
  if (!db.postgres()) return Ok{};
  return db.exec("LOCK TABLE match_person IN EXCLUSIVE MODE NOWAIT");
}

Status lock_for_writing(Store& store) {
  sql::Db& db = db::connection(store);
  if (!db.postgres()) return Ok{};
  return db.exec("LOCK TABLE match_person IN ROW EXCLUSIVE MODE");
}

Status clear_index(Store& store) {
  sql::Db& db = db::connection(store);
  SF_TRY(db.exec("DELETE FROM match_bucket"));
  SF_TRY(db.exec("DELETE FROM match_person"));
  return db.exec("DELETE FROM name_freq");
}

bool in_transaction(Store& store) { return db::connection(store).in_transaction(); }

Result<bool> may_write_index(Store& store) {
  sql::Db& db = db::connection(store);
  if (!db.postgres()) return true;
  // has_table_privilege with a list is true when any one is held: each
  // privilege the rebuild uses is asked apart.
  auto may = db.scalar_int(
      "SELECT CASE WHEN bool_and(has_table_privilege('sfcohort.' || t, p)) "
      "AND has_table_privilege('sfcohort.meta', 'INSERT') "
      "AND has_table_privilege('sfcohort.meta', 'UPDATE') THEN 1 ELSE 0 END "
      "FROM unnest(ARRAY['match_bucket', 'match_person', 'name_freq']) AS t, "
      "unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p");
  if (!may) return may.error();
  return *may == 1;
}

Result<int64_t> max_indexed_pk(Store& store) {
  return db::connection(store).scalar_int("SELECT coalesce(max(pk), 0) FROM match_person");
}

Result<std::vector<int64_t>> unindexed_people(Store& store) {
  // On PostgreSQL NOT IN over a subquery larger than work_mem is a nested
  // loop (hours on a million people); NOT EXISTS is an anti-join.
  auto st = db::connection(store).prepare(
      db::connection(store).postgres()
          ? "SELECT pk FROM person p WHERE NOT EXISTS (SELECT 1 FROM match_person m "
            "WHERE m.pk = p.pk) ORDER BY pk"
          : "SELECT pk FROM person WHERE pk NOT IN (SELECT pk FROM match_person) ORDER BY pk");
  if (!st) return st.error();
  std::vector<int64_t> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(st->int64(0));
  }
  return out;
}

Status add_name_count(Store& store, NameKind kind, std::string_view name, int64_t delta) {
  if (delta == 0) return Ok{};
  auto st = db::cached(store,
                       "INSERT INTO name_freq(kind, name, n) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT(kind, name) DO UPDATE SET n = name_freq.n + excluded.n");
  if (!st) return st.error();
  (*st)->bind(1, kind_text(kind)).bind(2, name).bind(3, delta);
  return (*st)->run();
}

Status add_name_counts(Store& store, std::span<const NameDelta> deltas) {
  sql::Db& db = db::connection(store);
  if (!db.postgres() || deltas.size() < 64) {
    for (const NameDelta& d : deltas) SF_TRY(add_name_count(store, d.kind, d.name, d.delta));
    return Ok{};
  }
  SF_TRY(
      db.exec("CREATE TEMP TABLE IF NOT EXISTS stage_name_freq (kind text, name text, n bigint) "
              "ON COMMIT DROP"));
  std::string rows;
  for (const NameDelta& d : deltas) {
    if (d.delta == 0) continue;
    sql::copy_field(rows, kind_text(d.kind), true);
    sql::copy_field(rows, d.name);
    sql::copy_field(rows, std::to_string(d.delta));
    rows += '\n';
  }
  if (rows.empty()) return Ok{};
  SF_TRY(db.copy_in("COPY stage_name_freq (kind, name, n) FROM STDIN", rows));
  return db.exec(
      "INSERT INTO name_freq(kind, name, n) SELECT kind, name, sum(n) FROM stage_name_freq "
      "GROUP BY kind, name ON CONFLICT(kind, name) DO UPDATE SET n = name_freq.n + excluded.n; "
      "TRUNCATE stage_name_freq");
}

Result<int64_t> name_count(Store& store, NameKind kind, std::string_view name) {
  auto st = db::cached(store, "SELECT n FROM name_freq WHERE kind = ?1 AND name = ?2");
  if (!st) return st.error();
  (*st)->bind(1, kind_text(kind)).bind(2, name);
  auto r = (*st)->step();
  if (!r) return r.error();
  const int64_t n = *r ? (*st)->int64(0) : 0;
  (*st)->reset();
  return n;
}

Result<std::vector<std::pair<std::string, int64_t>>> name_counts(
    Store& store, NameKind kind, const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, int64_t>> out;
  if (!db::connection(store).postgres()) {
    for (const std::string& name : names) {
      auto n = name_count(store, kind, name);
      if (!n) return n.error();
      if (*n) out.emplace_back(name, *n);
    }
    return out;
  }
  auto st =
      db::cached(store, "SELECT name, n FROM name_freq WHERE kind = ?1 AND name = ANY(?2::text[])");
  if (!st) return st.error();
  (*st)->bind(1, kind_text(kind)).bind(2, sql::array_literal(names));
  return db::rows_of(st, [](const sql::Stmt& s) { return std::make_pair(s.text(0), s.int64(1)); });
}

Result<int64_t> people_indexed(Store& store) {
  return db::connection(store).scalar_int(
      "SELECT coalesce(max(n), 0) FROM name_freq WHERE kind = '#'");
}

bool queries_are_round_trips(Store& store) { return db::connection(store).postgres(); }

}  // namespace sfcohort::match_tables

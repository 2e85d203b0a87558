#include "match/cohort_index.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <latch>
#include <thread>

#include "db/sqlite.hpp"

namespace sfcohort {

namespace {

uint64_t get64(const unsigned char* u) {
  uint64_t k = 0;
  for (int j = 0; j < 8; ++j) k |= static_cast<uint64_t>(u[j]) << (8 * j);
  return k;
}

std::string_view column_view(sqlite3_stmt* st, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st, col)))
           : std::string_view();
}

constexpr uint32_t kNone = UINT32_MAX;
constexpr size_t kHugePage = size_t{2} << 20;

// A page fault is dear on a virtual machine, and a million people fill
// ~40,000 small pages: the large arrays ask for 2 MiB pages instead (where
// the kernel gives them only on request).
void advise_huge(const void* p, size_t bytes) {
  const auto from = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
  const auto to = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHugePage - 1);
  if (to > from) (void)madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
}

template <class T>
void reserve_huge(std::vector<T>& v, size_t n) {
  v.reserve(n);
  advise_huge(v.data(), v.capacity() * sizeof(T));
}
constexpr size_t kBuckets = size_t{1} << 16;

// Each connection reads in one transaction, so what it reads is one state
// of the database even if a writer commits meanwhile.
struct ReadTransaction {
  sql::Db& db;
  bool open = false;
  explicit ReadTransaction(sql::Db& d) : db(d) {}
  Status begin() {
    SF_TRY(db.exec("BEGIN"));
    open = true;
    return Ok{};
  }
  ~ReadTransaction() {
    if (open) (void)db.exec("COMMIT");
  }
};

// Reads every key bucket: keys, where each key's people start, and the
// people as pks (made slots once the people are read). Fails with `fits`
// false when a pk or a count does not fit 32 bits.
Status load_keys(sql::Db& db, CohortIndex::Impl& x, bool& fits) {
  fits = true;
  auto bytes = db.scalar_int("SELECT coalesce(sum(length(data)), 0) FROM match_bucket");
  if (!bytes) return bytes.error();
  const auto entries = static_cast<size_t>(*bytes / 16);
  if (entries >= kNone) {
    fits = false;
    return Ok{};
  }
  // Reserved, not touched: pages the keys do not fill are never resident.
  reserve_huge(x.posting, entries);
  reserve_huge(x.keys, entries);
  reserve_huge(x.starts, entries + 1);
  x.bucket_start.assign(kBuckets + 1, 0);
  auto st = db.prepare("SELECT bucket, data FROM match_bucket ORDER BY bucket");
  if (!st) return st.error();
  sqlite3_stmt* raw = st->raw();
  size_t next_bucket = 0;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    const int64_t b = sqlite3_column_int64(raw, 0);
    // A probe only ever reads buckets 0-65535 (a key's top 16 bits).
    if (b < 0 || static_cast<uint64_t>(b) >= kBuckets) continue;
    for (; next_bucket <= static_cast<size_t>(b); ++next_bucket)
      x.bucket_start[next_bucket] = static_cast<uint32_t>(x.keys.size());
    const auto* u = static_cast<const unsigned char*>(sqlite3_column_blob(raw, 1));
    const size_t n = static_cast<size_t>(sqlite3_column_bytes(raw, 1)) / 16;
    if (x.posting.size() + n >= kNone) {
      fits = false;
      return Ok{};
    }
    const size_t first_key = x.keys.size();
    for (size_t i = 0; i < n; ++i) {
      const uint64_t k = get64(u + i * 16);
      const uint64_t pk = get64(u + i * 16 + 8);
      if (pk >= kNone) {
        fits = false;
        return Ok{};
      }
      if (x.keys.size() == first_key || x.keys.back() != k) {
        x.keys.push_back(k);
        x.starts.push_back(static_cast<uint32_t>(x.posting.size()));
      }
      x.posting.push_back(static_cast<uint32_t>(pk));
    }
  }
  for (; next_bucket <= kBuckets; ++next_bucket)
    x.bucket_start[next_bucket] = static_cast<uint32_t>(x.keys.size());
  x.starts.push_back(static_cast<uint32_t>(x.posting.size()));
  return Ok{};
}

Status load_names(sql::Db& db, CohortIndex::Impl& x) {
  auto st = db.prepare("SELECT kind, name, n FROM name_freq");
  if (!st) return st.error();
  sqlite3_stmt* raw = st->raw();
  int64_t total = 0;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    std::string_view kind = column_view(raw, 0);
    const int64_t n = sqlite3_column_int64(raw, 2);
    if (kind == "G") {
      x.given_n.emplace(column_view(raw, 1), n);
    } else if (kind == "S") {
      x.surname_n.emplace(column_view(raw, 1), n);
    } else if (kind == "#") {
      total = std::max(total, n);
    }
  }
  x.total = static_cast<double>(total);
  return Ok{};
}

Status load_families(sql::Db& db, CohortIndex::Impl& x, bool& fits) {
  auto st = db.prepare("SELECT id, status = 'cohort' FROM family");
  if (!st) return st.error();
  sqlite3_stmt* raw = st->raw();
  Arena::Writer ids(x.family_ids);
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    std::string_view id = column_view(raw, 0);
    const uint32_t at = ids.start(id.size() + 10);
    if (at == kNone || x.family_at.size() + 1 >= (size_t{1} << 31)) {
      fits = false;
      return Ok{};
    }
    ids.put_length(id.size());
    ids.put(id);
    x.family_at.push_back(at);
    x.cohort.push_back(sqlite3_column_int64(raw, 1) != 0);
  }
  size_t size = 16;
  while (size < x.family_at.size() * 2) size *= 2;
  x.family_table.assign(size, 0);
  for (uint32_t i = 0; i < x.family_at.size(); ++i) {
    const char* p = x.family_ids.at(x.family_at[i]);
    size_t h = std::hash<std::string_view>()(Arena::get(p)) & (size - 1);
    while (x.family_table[h] != 0) h = (h + 1) & (size - 1);
    x.family_table[h] = i + 1;
  }
  return Ok{};
}

// People are read in ranges of pks, by whichever thread is free: the keys
// take one connection less time than the people take the other.
struct PeopleChunks {
  static constexpr int64_t kSpan = 1 << 16;
  int64_t max_pk = 0;
  std::atomic<int64_t> next{0};
  struct Chunk {
    std::vector<int64_t> pk;
    std::vector<uint32_t> field_at;
  };
  std::vector<Chunk> chunks;
  std::atomic<bool> fits{true};
};

Status load_people(sql::Db& db, CohortIndex::Impl& x, PeopleChunks& work) {
  auto st = db.prepare(
      "SELECT pk, id, family_id, given_name, middle_names, surname, dob, postcode, house "
      "FROM person WHERE pk >= ?1 AND pk < ?2 ORDER BY pk");
  if (!st) return st.error();
  sqlite3_stmt* raw = st->raw();
  Arena::Writer out(x.fields);
  for (;;) {
    const int64_t c = work.next.fetch_add(1);
    if (c >= static_cast<int64_t>(work.chunks.size()) || !work.fits) return Ok{};
    PeopleChunks::Chunk& chunk = work.chunks[static_cast<size_t>(c)];
    st->bind(1, c * PeopleChunks::kSpan).bind(2, (c + 1) * PeopleChunks::kSpan);
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      std::string_view f[CohortIndex::Impl::kFieldCount];
      size_t n = 0;
      for (int i = 0; i < CohortIndex::Impl::kFieldCount; ++i) {
        f[i] = column_view(raw, i + 1);
        n += f[i].size() + 5;
      }
      const uint32_t at = out.start(n);
      if (at == kNone) {
        work.fits = false;
        return Ok{};
      }
      for (int i = 0; i < CohortIndex::Impl::kFieldCount; ++i) {
        if (i == CohortIndex::Impl::kFamily) {
          const uint32_t family = x.family(f[i]);
          out.put_length(family == kNone ? 0 : size_t{family} + 1);
          if (family != kNone) continue;
        }
        out.put_length(f[i].size());
        out.put(f[i]);
      }
      chunk.pk.push_back(sqlite3_column_int64(raw, 0));
      chunk.field_at.push_back(at);
    }
    st->reset();
  }
}

// The chunks' people, in pk order.
void join_people(CohortIndex::Impl& x, PeopleChunks& work) {
  size_t n = 0;
  for (const auto& c : work.chunks) n += c.pk.size();
  reserve_huge(x.pk, n);
  reserve_huge(x.field_at, n);
  for (auto& c : work.chunks) {
    x.pk.insert(x.pk.end(), c.pk.begin(), c.pk.end());
    x.field_at.insert(x.field_at.end(), c.field_at.begin(), c.field_at.end());
    c = {};
  }
}

// The people of each key as slots. A pk with no person (none should be
// left) becomes kNone, skipped as the store's lookup skips it, but still
// counted in its key's block size.
void postings_to_slots(CohortIndex::Impl& x) {
  const int64_t max_pk = x.pk.empty() ? 0 : x.pk.back();
  if (static_cast<size_t>(max_pk) <= 4 * x.pk.size() + (size_t{1} << 20)) {
    std::vector<uint32_t> slot_of(static_cast<size_t>(max_pk) + 1, kNone);
    for (uint32_t i = 0; i < x.pk.size(); ++i) slot_of[static_cast<size_t>(x.pk[i])] = i;
    for (auto& p : x.posting) p = p <= static_cast<uint64_t>(max_pk) ? slot_of[p] : kNone;
    return;
  }
  // Sparse pks (many people deleted): searched instead of tabled.
  for (auto& p : x.posting) {
    auto it = std::lower_bound(x.pk.begin(), x.pk.end(), static_cast<int64_t>(p));
    p = it != x.pk.end() && *it == static_cast<int64_t>(p)
            ? static_cast<uint32_t>(it - x.pk.begin())
            : kNone;
  }
}

}  // namespace

char* Arena::new_block(size_t& number) {
  std::lock_guard<std::mutex> l(mu_);
  if (blocks_.size() >= (size_t{1} << (32 - kBlockBits))) return nullptr;
  // Left untouched: only written pages are resident.
  void* b = std::aligned_alloc(kHugePage, kBlock);
  if (!b) throw std::bad_alloc();
  advise_huge(b, kBlock);
  blocks_.emplace_back(static_cast<char*>(b));
  number = blocks_.size() - 1;
  return static_cast<char*>(b);
}

uint32_t Arena::Writer::start(size_t n) {
  if (n > kBlock) return kNone;
  if (!cur_ || used_ + n > kBlock) {
    cur_ = arena_.new_block(block_);
    if (!cur_) return kNone;
    used_ = 0;
  }
  return static_cast<uint32_t>((block_ << kBlockBits) | used_);
}

void CohortIndex::Impl::person_fields(uint32_t slot, std::string_view (&out)[kFieldCount],
                                      uint32_t& family) const {
  const char* p = fields.at(field_at[slot]);
  for (int i = 0; i < kFieldCount; ++i) {
    if (i == kFamily) {
      if (const size_t f = Arena::get_number(p)) {
        family = static_cast<uint32_t>(f - 1);
        out[i] = {};
        continue;
      }
      family = kNone;
    }
    out[i] = Arena::get(p);
  }
}

void CohortIndex::Impl::probe(const std::vector<uint64_t>& query, size_t max_block,
                              std::vector<uint32_t>& slots) const {
  // Each step of a probe is a cache miss, and a query probes a dozen keys:
  // the keys' memory is asked for a step ahead, for all of them at once.
  for (uint64_t k : query) __builtin_prefetch(&bucket_start[static_cast<size_t>(k >> 48)]);
  for (uint64_t k : query) {
    const size_t b = static_cast<size_t>(k >> 48);
    const char* from = reinterpret_cast<const char*>(keys.data() + bucket_start[b]);
    const char* to = reinterpret_cast<const char*>(keys.data() + bucket_start[b + 1]);
    for (const char* p = from; p < to; p += 64) __builtin_prefetch(p);
  }
  std::vector<size_t> found;
  found.reserve(query.size());
  for (uint64_t k : query) {
    const size_t b = static_cast<size_t>(k >> 48);
    auto first = keys.begin() + bucket_start[b], last = keys.begin() + bucket_start[b + 1];
    auto it = std::lower_bound(first, last, k);
    if (it == last || *it != k) continue;
    const size_t i = static_cast<size_t>(it - keys.begin());
    __builtin_prefetch(&starts[i]);
    found.push_back(i);
  }
  for (size_t i : found) __builtin_prefetch(&posting[starts[i]]);
  for (size_t i : found) {
    const uint32_t from = starts[i], to = starts[i + 1];
    if (to - from > max_block) continue;
    slots.insert(slots.end(), posting.begin() + from, posting.begin() + to);
  }
}

uint32_t CohortIndex::Impl::family(std::string_view family_id) const {
  const size_t mask = family_table.size() - 1;
  for (size_t h = std::hash<std::string_view>()(family_id) & mask;; h = (h + 1) & mask) {
    const uint32_t e = family_table[h];
    if (e == 0) return kNone;
    const char* p = family_ids.at(family_at[e - 1]);
    if (Arena::get(p) == family_id) return e - 1;
  }
}

CohortIndex::CohortIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CohortIndex::~CohortIndex() = default;

size_t CohortIndex::people() const { return impl_->pk.size(); }
size_t CohortIndex::keys() const { return impl_->keys.size(); }

size_t CohortIndex::memory_bytes() const {
  const Impl& x = *impl_;
  size_t n = x.bucket_start.capacity() * 4 + x.keys.size() * 8 + x.starts.size() * 4 +
             x.posting.size() * 4;
  n += x.pk.size() * 8 + x.field_at.size() * 4 + x.fields.bytes();
  n += x.family_table.size() * 4 + x.family_at.size() * 4 + x.family_ids.bytes() +
       x.cohort.size() / 8;
  for (const auto* m : {&x.given_n, &x.surname_n})
    for (const auto& [name, count] : *m) n += name.capacity() + 64;
  return n;
}

Result<int64_t> CohortIndex::rows_to_pay_off(Store& store) {
  // Measured at 1,000,000 people on 2 cores: loading takes ~0.6 us a person;
  // a lookup ~120 us in the store and ~30 us in the index.
  constexpr int64_t kPeoplePerRow = 150;
  auto people = store.db().scalar_int("SELECT coalesce(max(n), 0) FROM name_freq WHERE kind = '#'");
  if (!people) return people.error();
  return std::min<int64_t>(*people / kPeoplePerRow, 50000);
}

Result<std::shared_ptr<const CohortIndex>> CohortIndex::load(Store& store, Store* second) {
  auto x = std::make_unique<Impl>();
  bool keys_fit = true, families_fit = true;
  PeopleChunks people;
  {
    auto maxpk = store.db().scalar_int("SELECT coalesce(max(pk), 0) FROM person");
    if (!maxpk) return maxpk.error();
    if (*maxpk < 0 || *maxpk >= static_cast<int64_t>(kNone))
      return std::shared_ptr<const CohortIndex>();
    people.chunks.resize(static_cast<size_t>(*maxpk / PeopleChunks::kSpan + 1));
  }
  // A scan reads each page once: a page cache only adds to the memory used
  // (STORE's own setting is put back after).
  auto cache = store.db().scalar_int("PRAGMA cache_size");
  if (!cache) return cache.error();
  SF_TRY(store.db().exec("PRAGMA cache_size = -2048"));
  struct RestoreCache {
    sql::Db& db;
    int64_t pages;
    ~RestoreCache() { (void)db.exec("PRAGMA cache_size = " + std::to_string(pages)); }
  } restore{store.db(), *cache};
  // Each connection reads in one transaction of its own; a writer that
  // commits between the two starts is seen by one and not the other, as it
  // would be by lookups on two connections. The people are stored with their
  // family's position, so the families are read first (while the keys are
  // read on the other connection).
  std::latch families_read(1);
  bool families_ok = false;  // written before the latch opens, read after
  auto on_main = [&]() -> Status {
    ReadTransaction tx(store.db());
    Status st = [&]() -> Status {
      SF_TRY(tx.begin());
      SF_TRY(load_names(store.db(), *x));
      return load_families(store.db(), *x, families_fit);
    }();
    families_ok = st.has_value() && families_fit;
    families_read.count_down();
    SF_TRY(st);
    if (!families_fit) return Ok{};
    if (!second) SF_TRY(load_keys(store.db(), *x, keys_fit));
    return load_people(store.db(), *x, people);
  };
  auto on_second = [&]() -> Status {
    ReadTransaction tx(second->db());
    SF_TRY(tx.begin());
    SF_TRY(load_keys(second->db(), *x, keys_fit));
    families_read.wait();
    if (!families_ok) return Ok{};
    return load_people(second->db(), *x, people);
  };
  Status second_status = Ok{};
  std::thread t;
  if (second) t = std::thread([&] { second_status = on_second(); });
  Status main_status = on_main();
  if (!main_status)
    people.next = static_cast<int64_t>(people.chunks.size());  // the other thread stops soon
  if (second) t.join();
  if (!main_status) return main_status.error();
  if (!second_status) return second_status.error();
  if (!keys_fit || !families_fit || !people.fits) return std::shared_ptr<const CohortIndex>();
  join_people(*x, people);
  postings_to_slots(*x);
  return std::shared_ptr<const CohortIndex>(new CohortIndex(std::move(x)));
}

}  // namespace sfcohort

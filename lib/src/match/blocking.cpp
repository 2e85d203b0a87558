#include "match/blocking.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "match/model.hpp"
#include "db/sqlite.hpp"

namespace sfcohort::match {

struct BulkIndex::State {
  std::vector<std::pair<uint64_t, int64_t>> adds;
  // Whether a pk was indexed in this bulk: one bit a person, not a hash set,
  // so memory stays small however many people an import holds.
  std::vector<bool> added;
  bool was_added(int64_t pk) const {
    return pk >= 0 && static_cast<uint64_t>(pk) < added.size() && added[static_cast<size_t>(pk)];
  }
  void mark_added(int64_t pk) {
    if (pk < 0) return;
    if (static_cast<uint64_t>(pk) >= added.size())
      added.resize(std::max<size_t>(static_cast<size_t>(pk) + 1, added.size() * 2));
    added[static_cast<size_t>(pk)] = true;
  }
  std::unordered_map<std::string, int64_t> freq;  // kind + '\0' + name
  int64_t max_pk_before = 0;  // people above this were not indexed before the bulk
  struct Row {
    int64_t pk;
    std::string keys, given, surname;
  };
  std::vector<Row> people;  // match_person rows of new people, not yet written
  size_t people_buffered = BulkIndex::kPeopleBuffered, keys_buffered = BulkIndex::kKeysBuffered;
  const Prepared* prepared = nullptr;  // for the next index_person only
};

namespace {

using Entry = std::pair<uint64_t, int64_t>;

std::mutex g_mu;
std::unordered_map<const Store*, BulkIndex::State*> g_bulk;

BulkIndex::State* bulk_of(const Store& s) {
  std::lock_guard<std::mutex> l(g_mu);
  auto it = g_bulk.find(&s);
  return it == g_bulk.end() ? nullptr : it->second;
}

int64_t bucket_of(uint64_t key) { return static_cast<int64_t>(key >> 48); }

void put64(std::string& b, uint64_t v) {
  for (int j = 0; j < 8; ++j) b += static_cast<char>((v >> (8 * j)) & 0xff);
}
uint64_t get64(const unsigned char* u) {
  uint64_t k = 0;
  for (int j = 0; j < 8; ++j) k |= static_cast<uint64_t>(u[j]) << (8 * j);
  return k;
}

std::string pack_keys(const std::vector<uint64_t>& keys) {
  std::string b;
  b.reserve(keys.size() * 8);
  for (uint64_t k : keys) put64(b, k);
  return b;
}

std::vector<uint64_t> unpack_keys(const void* p, int n) {
  std::vector<uint64_t> keys(static_cast<size_t>(n) / 8);
  const auto* u = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < keys.size(); ++i) keys[i] = get64(u + i * 8);
  return keys;
}

Result<std::vector<Entry>> read_bucket(Store& store, int64_t bucket) {
  auto st = store.cached("SELECT data FROM match_bucket WHERE bucket = ?1");
  if (!st) return st.error();
  (*st)->bind(1, bucket);
  auto r = (*st)->step();
  if (!r) return r.error();
  std::vector<Entry> out;
  if (*r) {
    sqlite3_stmt* raw = (*st)->raw();
    const auto* u = static_cast<const unsigned char*>(sqlite3_column_blob(raw, 0));
    int n = sqlite3_column_bytes(raw, 0) / 16;
    out.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
      out.emplace_back(get64(u + i * 16), static_cast<int64_t>(get64(u + i * 16 + 8)));
  }
  (*st)->reset();
  return out;
}

Status write_bucket(Store& store, int64_t bucket, const std::vector<Entry>& entries) {
  if (entries.empty()) {
    auto st = store.cached("DELETE FROM match_bucket WHERE bucket = ?1");
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
  auto st = store.cached("INSERT OR REPLACE INTO match_bucket(bucket, data) VALUES (?1, ?2)");
  if (!st) return st.error();
  (*st)->bind(1, bucket).bind_blob(2, b.data(), b.size());
  return (*st)->run();
}

// Applies sorted ADDS and DELS (each sorted by key) bucket by bucket.
Status apply(Store& store, std::vector<Entry> adds, std::vector<Entry> dels) {
  std::sort(adds.begin(), adds.end());
  adds.erase(std::unique(adds.begin(), adds.end()), adds.end());
  std::sort(dels.begin(), dels.end());
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

Status add_freq(Store& store, const std::string& kind, const std::string& name, int64_t delta) {
  if (delta == 0) return Ok{};
  auto st = store.cached(
      "INSERT INTO name_freq(kind, name, n) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(kind, name) DO UPDATE SET n = n + excluded.n");
  if (!st) return st.error();
  (*st)->bind(1, kind).bind(2, name).bind(3, delta);
  return (*st)->run();
}

Status count(Store& store, BulkIndex::State* bulk, const char* kind, const std::string& name,
             int delta) {
  if (bulk) {
    std::string k = kind;
    k += '\0';
    k += name;
    bulk->freq[k] += delta;
    return Ok{};
  }
  return add_freq(store, kind, name, delta);
}

Status write_person(Store& store, int64_t pk, const std::string& keys, const std::string& given,
                    const std::string& surname) {
  auto mp = store.cached(
      "INSERT OR REPLACE INTO match_person(pk, keys, given, surname) VALUES (?1, ?2, ?3, ?4)");
  if (!mp) return mp.error();
  (*mp)->bind(1, pk).bind_blob(2, keys.data(), keys.size()).bind(3, given).bind(4, surname);
  return (*mp)->run();
}

// Writes the buffered match_person rows of a bulk, 50 to a statement.
Status flush_people(Store& store, BulkIndex::State& b) {
  constexpr size_t kBatch = 50;
  size_t i = 0;
  if (b.people.size() >= kBatch) {
    std::string sql = "INSERT OR REPLACE INTO match_person(pk, keys, given, surname) VALUES ";
    for (size_t j = 0; j < kBatch; ++j) {
      sql += (j ? ",(?" : "(?") + std::to_string(j * 4 + 1) + ",?" + std::to_string(j * 4 + 2) +
             ",?" + std::to_string(j * 4 + 3) + ",?" + std::to_string(j * 4 + 4) + ")";
    }
    auto st = store.cached(sql);
    if (!st) return st.error();
    for (; i + kBatch <= b.people.size(); i += kBatch) {
      for (size_t j = 0; j < kBatch; ++j) {
        const auto& r = b.people[i + j];
        int at = static_cast<int>(j * 4);
        (*st)->bind(at + 1, r.pk).bind_blob(at + 2, r.keys.data(), r.keys.size());
        (*st)->bind(at + 3, r.given).bind(at + 4, r.surname);
      }
      SF_TRY((*st)->run());
    }
  }
  for (; i < b.people.size(); ++i) {
    const auto& r = b.people[i];
    SF_TRY(write_person(store, r.pk, r.keys, r.given, r.surname));
  }
  b.people.clear();
  return Ok{};
}

// Memory stays flat however large the import: the buffered rows and keys
// are written whenever they reach their bounds. Each write of the keys merges
// them into every bucket once, so the key bound trades memory for passes.
Status flush_if_full(Store& store, BulkIndex::State& b) {
  if (b.people.size() >= b.people_buffered) SF_TRY(flush_people(store, b));
  if (b.adds.size() >= b.keys_buffered) {
    std::vector<Entry> adds;
    adds.swap(b.adds);
    SF_TRY(apply(store, std::move(adds), {}));
    b.adds.reserve(b.keys_buffered);
  }
  return Ok{};
}

}  // namespace

Prepared prepare(const Person& p) {
  Norm n = normalise_person(p.given_name, p.middle_names, p.surname, p.dob, p.postcode, p.house);
  Prepared out;
  out.keys = person_keys(n);
  out.given = std::move(n.given.first);
  out.surname = std::move(n.surname.full);
  return out;
}

Result<Person> add_person(Store& store, Person p) {
  auto stored = store.insert_person(std::move(p));
  if (!stored) return stored.error();
  SF_TRY(index_person(store, *stored));
  return stored;
}

Status change_person(Store& store, const Person& p) {
  auto stored = store.update_person(p);
  if (!stored) return stored.error();
  return index_person(store, *stored);
}

Status index_person(Store& store, const Person& p) {
  if (p.pk == 0) return internal_error("match index: person '" + p.id + "' has no key");
  BulkIndex::State* bulk = bulk_of(store);
  Prepared computed;
  const Prepared* pre = bulk ? bulk->prepared : nullptr;
  if (bulk) bulk->prepared = nullptr;
  if (!pre) {
    computed = prepare(p);
    pre = &computed;
  }
  const std::vector<uint64_t>& keys = pre->keys;

  // What an earlier version of the person wrote is removed. In a bulk, a
  // person above the largest key indexed before it, and not seen in it, is
  // new: there is nothing to remove and its row is written by finish().
  std::string blob = pack_keys(keys);
  if (bulk && p.pk > bulk->max_pk_before && !bulk->was_added(p.pk)) {
    SF_TRY(count(store, bulk, "G", pre->given, 1));
    SF_TRY(count(store, bulk, "S", pre->surname, 1));
    SF_TRY(count(store, bulk, "#", "", 1));
    bulk->mark_added(p.pk);
    for (uint64_t k : keys) bulk->adds.emplace_back(k, p.pk);
    bulk->people.push_back({p.pk, std::move(blob), pre->given, pre->surname});
    return flush_if_full(store, *bulk);
  }
  if (bulk) SF_TRY(flush_people(store, *bulk));
  std::vector<Entry> dels;
  auto old = store.cached("SELECT keys, given, surname FROM match_person WHERE pk = ?1");
  if (!old) return old.error();
  (*old)->bind(1, p.pk);
  auto found = (*old)->step();
  if (!found) return found.error();
  const bool existed = *found;
  if (existed) {
    sqlite3_stmt* raw = (*old)->raw();
    for (uint64_t k : unpack_keys(sqlite3_column_blob(raw, 0), sqlite3_column_bytes(raw, 0)))
      dels.emplace_back(k, p.pk);
    std::string og = (*old)->text(1), os = (*old)->text(2);
    (*old)->reset();
    SF_TRY(count(store, bulk, "G", og, -1));
    SF_TRY(count(store, bulk, "S", os, -1));
  } else {
    (*old)->reset();
  }
  SF_TRY(write_person(store, p.pk, blob, pre->given, pre->surname));
  SF_TRY(count(store, bulk, "G", pre->given, 1));
  SF_TRY(count(store, bulk, "S", pre->surname, 1));
  if (!existed) SF_TRY(count(store, bulk, "#", "", 1));

  if (!bulk) {
    std::vector<Entry> adds;
    for (uint64_t k : keys) adds.emplace_back(k, p.pk);
    return apply(store, std::move(adds), std::move(dels));
  }
  // Bulk: the old keys are in the database or, for a person added earlier in
  // this same bulk, still buffered.
  if (!dels.empty()) {
    if (bulk->was_added(p.pk)) {
      auto& a = bulk->adds;
      a.erase(std::remove_if(a.begin(), a.end(), [&](const Entry& e) { return e.second == p.pk; }),
              a.end());
    }
    SF_TRY(apply(store, {}, std::move(dels)));
  }
  bulk->mark_added(p.pk);
  for (uint64_t k : keys) bulk->adds.emplace_back(k, p.pk);
  return flush_if_full(store, *bulk);
}

Status probe(Store& store, const std::vector<uint64_t>& keys, size_t max_block,
             std::vector<int64_t>& pks) {
  auto st = store.cached("SELECT data FROM match_bucket WHERE bucket = ?1");
  if (!st) return st.error();
  for (uint64_t k : keys) {
    (*st)->bind(1, bucket_of(k));
    auto r = (*st)->step();
    if (!r) return r.error();
    if (*r) {
      sqlite3_stmt* raw = (*st)->raw();
      const auto* u = static_cast<const unsigned char*>(sqlite3_column_blob(raw, 0));
      size_t n = static_cast<size_t>(sqlite3_column_bytes(raw, 0)) / 16;
      // Binary search for the first record with this key.
      size_t lo = 0, hi = n;
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (get64(u + mid * 16) < k)
          lo = mid + 1;
        else
          hi = mid;
      }
      size_t end = lo;
      while (end < n && get64(u + end * 16) == k) ++end;
      if (end - lo <= max_block)
        for (size_t i = lo; i < end; ++i)
          pks.push_back(static_cast<int64_t>(get64(u + i * 16 + 8)));
    }
    (*st)->reset();
  }
  std::sort(pks.begin(), pks.end());
  pks.erase(std::unique(pks.begin(), pks.end()), pks.end());
  return Ok{};
}

BulkIndex::BulkIndex(Store& store, size_t people_buffered, size_t keys_buffered) : store_(store) {
  auto* s = new State;
  s->people_buffered = std::max<size_t>(people_buffered, 1);
  s->keys_buffered = std::max<size_t>(keys_buffered, 1);
  // Without a way to report an error here, a failed query only costs speed:
  // every person is then checked for earlier keys.
  auto maxm = store_.db().scalar_int("SELECT coalesce(max(pk), 0) FROM match_person");
  s->max_pk_before = maxm ? *maxm : INT64_MAX;
  std::lock_guard<std::mutex> l(g_mu);
  g_bulk[&store_] = s;
}

BulkIndex::~BulkIndex() {
  std::lock_guard<std::mutex> l(g_mu);
  auto it = g_bulk.find(&store_);
  if (it != g_bulk.end()) {
    delete it->second;
    g_bulk.erase(it);
  }
}

void BulkIndex::use_prepared(const Prepared* pre) {
  if (State* b = bulk_of(store_)) b->prepared = pre;
}

Status BulkIndex::finish() {
  State* s = bulk_of(store_);
  if (!s) return internal_error("match index: bulk index finished twice");
  SF_TRY(flush_people(store_, *s));
  std::vector<Entry> adds;
  adds.swap(s->adds);
  s->added.clear();
  auto maxm = store_.db().scalar_int("SELECT coalesce(max(pk), 0) FROM match_person");
  if (!maxm) return maxm.error();
  s->max_pk_before = *maxm;
  SF_TRY(apply(store_, std::move(adds), {}));
  for (const auto& [k, delta] : s->freq) {
    size_t z = k.find('\0');
    SF_TRY(add_freq(store_, k.substr(0, z), k.substr(z + 1), delta));
  }
  s->freq.clear();
  return Ok{};
}

}  // namespace sfcohort::match

#include "match/blocking.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

#include "db/match_tables.hpp"
#include "match/model.hpp"

namespace sfcohort::match {

struct BulkIndex::State {
  std::vector<match_tables::Entry> adds;
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
  std::unordered_map<std::string, int64_t> freq;  // kind + name
  int64_t max_pk_before = 0;  // people above this were not indexed before the bulk
  std::vector<match_tables::IndexedPerson> people;  // rows of new people, not yet written
  size_t people_buffered = BulkIndex::kPeopleBuffered, keys_buffered = BulkIndex::kKeysBuffered;
  const Prepared* prepared = nullptr;  // for the next index_person only
};

namespace {

using match_tables::Entry;
using match_tables::NameKind;

std::mutex g_mu;
std::unordered_map<const Store*, BulkIndex::State*> g_bulk;

BulkIndex::State* bulk_of(const Store& s) {
  std::lock_guard<std::mutex> l(g_mu);
  auto it = g_bulk.find(&s);
  return it == g_bulk.end() ? nullptr : it->second;
}

Status count(Store& store, BulkIndex::State* bulk, NameKind kind, const std::string& name,
             int delta) {
  if (bulk) {
    std::string k(1, static_cast<char>(kind));
    k += name;
    bulk->freq[k] += delta;
    return Ok{};
  }
  return match_tables::add_name_count(store, kind, name, delta);
}

// Writes the buffered rows of a bulk's new people.
Status flush_people(Store& store, BulkIndex::State& b) {
  SF_TRY(match_tables::put_indexed_people(store, b.people, true));
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
    SF_TRY(match_tables::update_postings(store, std::move(adds), {}));
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
  if (!bulk) SF_TRY(match_tables::lock_for_writing(store));  // a bulk took it
  if (!pre) {
    computed = prepare(p);
    pre = &computed;
  }
  const std::vector<uint64_t>& keys = pre->keys;

  // What an earlier version of the person wrote is removed. In a bulk, a
  // person above the largest key indexed before it, and not seen in it, is
  // new: there is nothing to remove and its row is written by finish().
  if (bulk && p.pk > bulk->max_pk_before && !bulk->was_added(p.pk)) {
    SF_TRY(count(store, bulk, NameKind::kGiven, pre->given, 1));
    SF_TRY(count(store, bulk, NameKind::kSurname, pre->surname, 1));
    SF_TRY(count(store, bulk, NameKind::kEveryone, "", 1));
    bulk->mark_added(p.pk);
    for (uint64_t k : keys) bulk->adds.emplace_back(k, p.pk);
    bulk->people.push_back({p.pk, keys, pre->given, pre->surname});
    return flush_if_full(store, *bulk);
  }
  if (bulk) SF_TRY(flush_people(store, *bulk));
  std::vector<Entry> dels;
  match_tables::IndexedPerson old;
  auto existed = match_tables::indexed_person(store, p.pk, old);
  if (!existed) return existed.error();
  if (*existed) {
    for (uint64_t k : old.keys) dels.emplace_back(k, p.pk);
    SF_TRY(count(store, bulk, NameKind::kGiven, old.given, -1));
    SF_TRY(count(store, bulk, NameKind::kSurname, old.surname, -1));
  }
  const match_tables::IndexedPerson row{p.pk, keys, pre->given, pre->surname};
  SF_TRY(match_tables::put_indexed_people(store, {&row, 1}));
  SF_TRY(count(store, bulk, NameKind::kGiven, pre->given, 1));
  SF_TRY(count(store, bulk, NameKind::kSurname, pre->surname, 1));
  if (!*existed) SF_TRY(count(store, bulk, NameKind::kEveryone, "", 1));

  if (!bulk) {
    std::vector<Entry> adds;
    for (uint64_t k : keys) adds.emplace_back(k, p.pk);
    return match_tables::update_postings(store, std::move(adds), std::move(dels));
  }
  // Bulk: the old keys are in the database or, for a person added earlier in
  // this same bulk, still buffered.
  if (!dels.empty()) {
    if (bulk->was_added(p.pk)) {
      auto& a = bulk->adds;
      a.erase(std::remove_if(a.begin(), a.end(), [&](const Entry& e) { return e.second == p.pk; }),
              a.end());
    }
    SF_TRY(match_tables::update_postings(store, {}, std::move(dels)));
  }
  bulk->mark_added(p.pk);
  for (uint64_t k : keys) bulk->adds.emplace_back(k, p.pk);
  return flush_if_full(store, *bulk);
}

Status index_unindexed(Store& store) {
  // Comparing the largest keys is two probes; the scan runs only when they
  // differ.
  auto maxp = store.max_person_pk();
  if (!maxp) return maxp.error();
  auto maxm = match_tables::max_indexed_pk(store);
  if (!maxm) return maxm.error();
  if (*maxp == *maxm) return Ok{};
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  auto missing = match_tables::unindexed_people(store);
  if (!missing) return missing.error();
  for (int64_t pk : *missing) {
    auto p = store.person_by_pk(pk);
    if (!p) return p.error();
    if (*p) SF_TRY(index_person(store, **p));
  }
  return tx->commit();
}

namespace {

enum class KeysState { kCurrent, kOlder, kUnmarked };

// kUnmarked: nobody indexed yet in a database from before the version row;
// whatever is indexed next is of the current keys.
Result<KeysState> keys_state(Store& store) {
  auto v = store.meta(match_tables::kKeysVersionMeta);
  if (!v) return v.error();
  if (*v && **v == std::to_string(match_tables::kKeysVersion)) return KeysState::kCurrent;
  auto maxm = match_tables::max_indexed_pk(store);
  if (!maxm) return maxm.error();
  return *maxm == 0 ? KeysState::kUnmarked : KeysState::kOlder;
}

Status set_keys_version(Store& store) {
  return store.set_meta(match_tables::kKeysVersionMeta, std::to_string(match_tables::kKeysVersion));
}

// Indexes everyone again in TX, which holds the match tables' lock.
Status rebuild(Store& store) {
  // Another process may have rebuilt it while this one waited.
  auto again = store.meta(match_tables::kKeysVersionMeta);
  if (!again) return again.error();
  if (*again && **again == std::to_string(match_tables::kKeysVersion)) return Ok{};
  SF_TRY(match_tables::clear_index(store));
  BulkIndex bulk(store);
  constexpr int64_t kPage = 8192;
  std::vector<Person> page;
  for (int64_t after = 0;;) {
    page.clear();
    SF_TRY(store.people_match_fields_after(after, kPage, page));
    for (const Person& p : page) SF_TRY(index_person(store, p));
    if (static_cast<int64_t>(page.size()) < kPage) break;
    after = page.back().pk;
  }
  SF_TRY(bulk.finish());
  return set_keys_version(store);
}

}  // namespace

Status refresh_index(Store& store) {
  auto state = keys_state(store);
  if (!state) return state.error();
  // Inside a command's own write (an import linking ids, a nomination) the
  // older keys answer; that command's import rebuilds first (import_csv),
  // and otherwise the next lookup does. So does a role that may not write
  // the match tables.
  if (*state != KeysState::kCurrent && !match_tables::in_transaction(store)) {
    auto may = match_tables::may_write_index(store);
    if (!may) return may.error();
    if (*may && *state == KeysState::kUnmarked) {
      SF_TRY(set_keys_version(store));
    } else if (*may) {
      // Another process rebuilding holds the lock: this one is answered
      // from the older keys rather than wait for it (or fail).
      auto tx = store.begin_transaction();
      if (tx) {
        auto locked = match_tables::lock_index(store);
        if (locked) {
          SF_TRY(rebuild(store));
          SF_TRY(tx->commit());
        }
      }
    }
  }
  return index_unindexed(store);
}

Status probe(Store& store, const std::vector<uint64_t>& keys, size_t max_block,
             std::vector<int64_t>& pks) {
  SF_TRY(match_tables::people_with_keys(store, keys, max_block, pks));
  std::sort(pks.begin(), pks.end());
  pks.erase(std::unique(pks.begin(), pks.end()), pks.end());
  return Ok{};
}

BulkIndex::BulkIndex(Store& store, size_t people_buffered, size_t keys_buffered) : store_(store) {
  auto* s = new State;
  s->people_buffered = std::max<size_t>(people_buffered, 1);
  s->keys_buffered = std::max<size_t>(keys_buffered, 1);
  // Without a way to report an error here, a failed query only costs speed:
  // every person is then checked for earlier keys (and a failed lock leaves
  // the transaction failed, which the next statement reports).
  (void)match_tables::lock_for_writing(store_);
  auto maxm = match_tables::max_indexed_pk(store_);
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
  auto maxm = match_tables::max_indexed_pk(store_);
  if (!maxm) return maxm.error();
  s->max_pk_before = *maxm;
  SF_TRY(match_tables::update_postings(store_, std::move(adds), {}));
  std::vector<match_tables::NameDelta> deltas;
  deltas.reserve(s->freq.size());
  for (const auto& [k, delta] : s->freq)
    deltas.push_back({static_cast<NameKind>(k[0]), std::string_view(k).substr(1), delta});
  SF_TRY(match_tables::add_name_counts(store_, deltas));
  s->freq.clear();
  return Ok{};
}

}  // namespace sfcohort::match

namespace sfcohort::match {

Status remove_people(Store& store, const std::vector<int64_t>& pks) {
  SF_TRY(match_tables::lock_for_writing(store));
  std::vector<match_tables::Entry> dels;
  std::map<std::pair<match_tables::NameKind, std::string>, int64_t> names;
  int64_t indexed = 0;
  for (int64_t pk : pks) {
    match_tables::IndexedPerson ip;
    auto found = match_tables::indexed_person(store, pk, ip);
    if (!found) return found.error();
    if (!*found) continue;
    for (uint64_t k : ip.keys) dels.emplace_back(k, pk);
    --names[{match_tables::NameKind::kGiven, ip.given}];
    --names[{match_tables::NameKind::kSurname, ip.surname}];
    ++indexed;
  }
  SF_TRY(match_tables::update_postings(store, {}, std::move(dels)));
  for (const auto& [name, delta] : names)
    SF_TRY(match_tables::add_name_count(store, name.first, name.second, delta));
  SF_TRY(match_tables::add_name_count(store, match_tables::NameKind::kEveryone, "", -indexed));
  SF_TRY(match_tables::delete_indexed_people(store, pks));
  // A name no one holds any more is itself personal data: dropped, not kept at 0.
  return match_tables::drop_unused_names(store);
}

}  // namespace sfcohort::match

// The match tables (schema/0002_match.sql), as the store keeps them: the
// people holding each blocking key (match_bucket), the keys and folded names
// each person was indexed under (match_person), and how many people hold
// each folded given name and surname (name_freq). What a key is, and when a
// person's keys change, is the match module's (match/blocking.hpp, the one
// interface to these tables the rest of the library uses); how they are
// stored is this file's, so that another backend can store them its own way
// behind the same functions. Private to lib/src.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::match_tables {

// The version of the keys match::person_keys computes, kept in meta under
// kKeysVersionMeta. It goes up whenever what the keys are changes (2: the
// date of birth and house key), and a cohort indexed under another version
// is indexed again (match::refresh_index). A database without the meta row
// is of version 1, unless nobody is indexed in it yet.
inline constexpr int kKeysVersion = 2;
inline constexpr const char* kKeysVersionMeta = "match_keys";

// A posting: a key and the pk of a person holding it.
using Entry = std::pair<uint64_t, int64_t>;

// Postings as the store holds them, sorted by key and then pk: a view of the
// database's own bytes, valid only during the call that gives it.
class EntriesView {
 public:
  EntriesView() = default;
  EntriesView(const void* data, size_t bytes)
      : p_(static_cast<const unsigned char*>(data)), n_(bytes / 16) {}
  size_t size() const { return n_; }
  uint64_t key(size_t i) const { return get64(p_ + i * 16); }
  int64_t pk(size_t i) const { return static_cast<int64_t>(get64(p_ + i * 16 + 8)); }
  // The first position whose key is not less than KEY (size() if none).
  size_t lower_bound(uint64_t key) const {
    size_t lo = 0, hi = n_;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (this->key(mid) < key)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

 private:
  static uint64_t get64(const unsigned char* u) {
    uint64_t k = 0;
    for (int j = 0; j < 8; ++j) k |= static_cast<uint64_t>(u[j]) << (8 * j);
    return k;
  }
  const unsigned char* p_ = nullptr;
  size_t n_ = 0;
};

// Appends to PKS the people holding each of KEYS, in no particular order and
// possibly more than once, but none for a key more than MAX_BLOCK people hold
// (not selective). Every probe is an indexed read through a statement
// prepared once per store; on PostgreSQL, one query reads every bucket.
Status people_with_keys(Store& store, const std::vector<uint64_t>& keys, size_t max_block,
                        std::vector<int64_t>& pks);

// Adds the postings ADDS (which may repeat) and removes DELS, in any order.
// Postings are stored in groups of keys: each group touched is read and
// written once however many of its postings change. A posting both removed
// and added is kept.
Status update_postings(Store& store, std::vector<Entry> adds, std::vector<Entry> dels);

// A match_person row: the keys a person is indexed under, and the folded
// first given name and surname counted for it in the name counts.
struct IndexedPerson {
  int64_t pk = 0;
  std::vector<uint64_t> keys;
  std::string given, surname;
};

// The row of PK into OUT; false, OUT untouched, when PK is not indexed.
Result<bool> indexed_person(Store& store, int64_t pk, IndexedPerson& out);
// Writes ROWS, each replacing any row of its pk; many rows to a statement.
// With NEW_PEOPLE (none of their pks has a row: a bulk's new people) the
// rows are inserted without the check for one (on PostgreSQL an upsert
// costs twice an insert).
Status put_indexed_people(Store& store, std::span<const IndexedPerson> rows,
                          bool new_people = false);
// Deletes the match_person rows of PKS; and the name counts at 0 or below
// (lib/src/db/match_dispose.cpp).
Status delete_indexed_people(Store& store, const std::vector<int64_t>& pks);
Status drop_unused_names(Store& store);
// Empties the match tables (keys, people, name counts), in the caller's
// transaction, before the index is built again. lock_index first keeps
// another client from doing the same meanwhile (on PostgreSQL a table lock
// that readers pass and writers of postings wait for, failing at once when
// another client holds it; on SQLite the write transaction is the lock).
Status lock_index(Store& store);
Status clear_index(Store& store);
// What a writer of the index takes before it reads what it will change (a
// person's keys, a bucket): on PostgreSQL it waits for a rebuild holding
// lock_index, so what it reads is what the rebuild wrote, not what it
// replaced; held to the end of the transaction, so once is enough.
Status lock_for_writing(Store& store);
// Whether a transaction is open on STORE's connection (a command's own
// write, which the index is not rebuilt inside).
bool in_transaction(Store& store);
// Whether this connection may write the match tables: always on SQLite; on
// PostgreSQL, a role the server lets (a manager, the owner), not an officer.
Result<bool> may_write_index(Store& store);
// The largest pk indexed; 0 when none is.
Result<int64_t> max_indexed_pk(Store& store);
// The pks of stored people with no match_person row, ascending.
Result<std::vector<int64_t>> unindexed_people(Store& store);

// The name counts: people per folded first given name and per folded
// surname, and (kEveryone, name "") the people indexed.
enum class NameKind : char { kGiven = 'G', kSurname = 'S', kEveryone = '#' };
// Adds DELTA to the count of NAME.
Status add_name_count(Store& store, NameKind kind, std::string_view name, int64_t delta);
// Adds each delta to its name's count (a bulk's): on PostgreSQL one COPY
// and one statement, not a round trip a name.
struct NameDelta {
  NameKind kind;
  std::string_view name;
  int64_t delta;
};
Status add_name_counts(Store& store, std::span<const NameDelta> deltas);
// The count of NAME; 0 when it has none.
Result<int64_t> name_count(Store& store, NameKind kind, std::string_view name);
// The counts of NAMES (distinct) that have one, by name: on PostgreSQL one
// query, not a round trip a name.
Result<std::vector<std::pair<std::string, int64_t>>> name_counts(
    Store& store, NameKind kind, const std::vector<std::string>& names);
// The people indexed (the kEveryone count).
Result<int64_t> people_indexed(Store& store);
// Whether each query is a round trip to a server (PostgreSQL), not a call
// into a library reading a file (SQLite): a lookup in the store then costs
// several times more against loading the cohort index.
bool queries_are_round_trips(Store& store);

}  // namespace sfcohort::match_tables

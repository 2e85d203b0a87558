// The match module's one interface to the match tables, for the rest of the
// library (import, nominations) and for lookups: every insert or update of a
// person rewrites that person's normalised match keys, so lookups find
// candidates by indexed probes, never by a scan of the cohort. What the keys
// are is decided here; how they are stored is db/match_tables.hpp's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::match {

// Writes the match keys of P (already stored, P.pk set), replacing any it had.
// Runs inside the caller's transaction. While a BulkIndex is open on STORE,
// the keys and name counts are buffered; see BulkIndex.
Status index_person(Store& store, const Person& p);

// How every module writes a person: stores P (Store::insert_person or
// update_person) and writes its match keys in the same transaction, so
// lookups find the person as stored.
Result<Person> add_person(Store& store, Person p);
Status change_person(Store& store, const Person& p);

// Removes the match keys and name counts of the people PKS (retention's
// disposal), before the people themselves are deleted, in the caller's
// transaction; folded names no one holds any more are deleted too.
Status remove_people(Store& store, const std::vector<int64_t>& pks);

// Indexes every stored person who has no match keys (a database from before
// the match index, or a person written by a tool that bypassed it), in one
// transaction of its own. Cheap when there is none: two indexed reads.
Status index_unindexed(Store& store);

// What every lookup runs first: indexes the whole cohort again, in one
// transaction, when it was indexed under keys of an earlier version
// (match_tables::kKeysVersion: an sfcohort that computed other keys), and
// then index_unindexed(). A role that may not write the match tables (an
// officer on PostgreSQL) leaves an old index as it is and is answered from
// it: the keys it lacks find nobody, the others as before, until a manager's
// command brings it up to date. Inside a transaction already open on STORE
// (a command's own write) it is not rebuilt either, nor while another
// process rebuilds it (its lock is not waited for). Cheap when nothing is to
// do: one meta read.
Status refresh_index(Store& store);

// The people sharing one of KEYS, in ascending pk order, without duplicates.
// A key held by more than MAX_BLOCK people is skipped (not selective).
Status probe(Store& store, const std::vector<uint64_t>& keys, size_t max_block,
             std::vector<int64_t>& pks);

// Bulk indexing for imports: open one on the store before inserting many
// people in one transaction, call finish() before committing. Each key
// bucket is then written once for every KEYS_BUFFERED keys indexed (and at finish()) instead of
// once per person, and the people's rows every PEOPLE_BUFFERED people, so memory stays bounded
// however large the import. Keys are findable only once written: always
// after finish(). Without finish() (an error path) the buffered keys are
// dropped, as the transaction will be.
// What index_person computes from a person before it touches the database:
// the normalised fields and the keys. An import prepares these on another
// thread and hands them to the bulk (BulkIndex::use_prepared).
struct Prepared {
  std::string given;    // the folded first given name, counted in name_freq
  std::string surname;  // the folded surname, likewise
  std::vector<uint64_t> keys;
};
Prepared prepare(const Person& p);

class BulkIndex {
 public:
  static constexpr size_t kPeopleBuffered = 8192;
  static constexpr size_t kKeysBuffered = size_t{1} << 21;  // 32 MiB of (key, pk) pairs
  explicit BulkIndex(Store& store, size_t people_buffered = kPeopleBuffered,
                     size_t keys_buffered = kKeysBuffered);
  ~BulkIndex();
  BulkIndex(const BulkIndex&) = delete;
  BulkIndex& operator=(const BulkIndex&) = delete;
  Status finish();
  // The next index_person call on this store uses PRE (computed by prepare()
  // from the same person) instead of normalising again; nullptr clears it.
  void use_prepared(const Prepared* pre);

  struct State;

 private:
  Store& store_;
};

}  // namespace sfcohort::match

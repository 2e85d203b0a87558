// The one read of a whole cohort that an in-memory index is built from
// (match/cohort_index.hpp): the name counts, the families, every posting and
// every person's scored fields, streamed to a Sink as views of the
// database's own memory, so nothing is copied twice on the way. Private to
// lib/src.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "db/match_tables.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::index_scan {

// A person's fields that lookups score, valid only during the call that
// gives them.
struct PersonView {
  int64_t pk = 0;
  std::string_view id, family_id, given_name, middle_names, surname, dob, postcode, house, sex;
};

// Receives a scan. Calls come from up to two threads at once (see scan()),
// so a sink keeps what each kind of call writes apart. Every call returning
// bool may return false to stop the scan (what is read does not fit).
class Sink {
 public:
  virtual ~Sink() = default;
  // First, once: the largest pk of a person (0 for none), and how many
  // ranges of pks (chunks, numbered from 0, in pk order) the people come in.
  virtual bool start(int64_t max_pk, size_t chunks) = 0;
  // Every name count, then every family, then families_done().
  virtual void name_count(match_tables::NameKind kind, std::string_view name, int64_t n) = 0;
  virtual bool family(std::string_view id, bool in_cohort) = 0;
  virtual void families_done() = 0;
  // How many postings there are, then all of them in runs, in ascending
  // order of key and then pk across the runs.
  virtual bool posting_count(size_t n) = 0;
  virtual bool postings(match_tables::EntriesView run) = 0;
  // Every person, after families_done(): by READER (0 or 1; calls with one
  // reader come from one thread), in CHUNK, in ascending pk order within it.
  virtual bool person(int reader, size_t chunk, const PersonView& p) = 0;
};

// Reads STORE's cohort into SINK, each connection in one read transaction
// (a snapshot: a writer committing meanwhile is seen by one connection or
// the other, as it would be by lookups on two connections). With SECOND
// (another connection to the same database), the postings are read through
// it on a second thread while STORE's thread reads the names and families,
// and then both threads read the people. Returns false when the sink stopped
// the scan. STORE's page cache is kept small meanwhile: a scan reads each
// page once.
Result<bool> scan(Store& store, Store* second, Sink& sink);

}  // namespace sfcohort::index_scan

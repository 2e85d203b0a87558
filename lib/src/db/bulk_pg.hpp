// An import's writes on PostgreSQL (Store::BulkLoad): new families and
// people are buffered and sent with COPY, in the load's transaction, rather
// than one round trip a row; a full buffer is sent while the import goes on
// reading and matching. Whatever runs next on the connection first flushes
// the buffer (the connection's before-statement hook), so every read, the
// import's own included, sees the rows as if each had been inserted alone.
// The ids stored before the load are known by their hashes, so asking
// whether a new id is stored costs no round trip. Private to lib/src/db.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::sql {
class Db;
}

namespace sfcohort::pg_bulk {

class Writer {
 public:
  // Inside the load's write transaction on DB.
  static Result<std::unique_ptr<Writer>> begin(sql::Db& db);
  // Removes the hook; what is still buffered is dropped (the load rolls back).
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // False only when no person (family) with ID is stored, before the load
  // or by it: the store need not ask the server.
  bool may_have_person(std::string_view id) const;
  bool may_have_family(std::string_view id) const;
  // Buffers a new person, its pk taken from the table's own sequence.
  Result<int64_t> add_person(const Person& p, const std::string& now);
  // Buffers a family that may_have_family() said is not stored.
  void add_family(const Family& f, const std::string& now);
  // Writes what is buffered: families first, then people; with LATER, on
  // the connection's own thread while the load goes on (sql::Conn::
  // copy_in_later): the next statement waits for them.
  Status flush(bool later = false);

 private:
  explicit Writer(sql::Db& db) : db_(db) {}
  sql::Db& db_;
  std::unordered_set<uint64_t> people_, families_;  // hashes of the ids stored
  std::vector<int64_t> pks_;                        // taken from the sequence, not yet used
  size_t next_pk_ = 0;
  std::string person_rows_, family_rows_;  // COPY text format
  size_t buffered_ = 0;
};

}  // namespace sfcohort::pg_bulk

// One write transaction on the store, for the modules above db/ that make
// several changes (through db/ and the store) that must land together:
// BEGIN IMMEDIATE on begin(), ROLLBACK in the destructor unless commit()
// ran. Speaks no SQL itself, so a second backend can provide the same.
#pragma once

#include <memory>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

class WriteTransaction {
 public:
  // Begins a write transaction on STORE, which must outlive it. Fails with
  // an environment error when the database is locked.
  static Result<WriteTransaction> begin(Store& store);
  WriteTransaction(WriteTransaction&&) noexcept;
  WriteTransaction& operator=(WriteTransaction&&) = delete;
  ~WriteTransaction();
  // Makes every change since begin() durable; after a failed commit the
  // destructor still rolls back.
  Status commit();

 private:
  struct Impl;
  explicit WriteTransaction(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfcohort::db

#include "db/write_transaction.hpp"
#include "db/store_access.hpp"

#include "db/sqlite.hpp"

namespace sfcohort::db {

struct WriteTransaction::Impl {
  sql::Transaction tx;
};

Result<WriteTransaction> WriteTransaction::begin(Store& store) {
  auto tx = sql::Transaction::begin(db::connection(store));
  if (!tx) return tx.error();
  return WriteTransaction(std::make_unique<Impl>(Impl{std::move(*tx)}));
}

WriteTransaction::WriteTransaction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WriteTransaction::WriteTransaction(WriteTransaction&&) noexcept = default;
WriteTransaction::~WriteTransaction() = default;

Status WriteTransaction::commit() { return impl_->tx.commit(); }

}  // namespace sfcohort::db

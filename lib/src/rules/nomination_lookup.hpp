// The one seam between nominations and the cohort lookup: which people
// already in the cohort a nominated member is. Private to lib/src.
#pragma once

#include <memory>
#include <vector>

#include "sfcohort/nomination.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::nomination {

class CohortFinder {
 public:
  // A finder over STORE, which must outlive it; prepare it once per command.
  static Result<CohortFinder> create(Store& store);
  CohortFinder(CohortFinder&&) noexcept;
  CohortFinder& operator=(CohortFinder&&) noexcept;
  ~CohortFinder();

  // Cohort people who are M (exact or strong) or may be (possible), best
  // first. A resident member is looked up at address A. Runs inside the
  // caller's transaction, if any.
  Result<std::vector<CohortMatch>> find(const Member& m, const Address& a);

  struct Impl;

 private:
  explicit CohortFinder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfcohort::nomination

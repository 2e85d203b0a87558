// The partner register as stored (table `partner`, schema/0004_partner.sql and
// 0005_partner_history.sql):
// one record per partner, found by name. The rules about partners
// (agreements, profiles, keys) are exchange/'s; this file only stores them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

struct PartnerRecord {
  std::string name;
  std::string recipient;
  std::string sign_key;
  std::optional<std::string> isa, dsp, mou, expires;
  std::string legal_basis;
  std::string allow;
  bool history = false;  // may be told about closed families
  std::string added_at, added_by, updated_at;
};

// The partner named NAME (compared without regard to case), if any.
Result<std::optional<PartnerRecord>> find_partner(Store& store, const std::string& name);

// Every partner, by name without regard to case.
Result<std::vector<PartnerRecord>> all_partners(Store& store);

// Stores P under its name: a new partner is added (added_at = updated_at =
// NOW, added_by as given); an existing one keeps added_at and added_by and
// has everything else replaced, updated_at = NOW. The caller audits.
Status put_partner(Store& store, const PartnerRecord& p, const std::string& now);

// Removes the partner named NAME, compared as in find_partner (no error if
// there is none). The caller audits.
Status delete_partner(Store& store, const std::string& name);

}  // namespace sfcohort::db

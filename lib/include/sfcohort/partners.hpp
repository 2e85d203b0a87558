// The partner register: who the team may share with, how to seal to them and
// check their signatures, and on what agreements. SQL for table `partner`
// (schema/0004_partner.sql) lives here only.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/age.hpp"
#include "sfcohort/minisign.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::partners {

struct Partner {
  std::string name;
  std::string recipient;                     // age1...
  std::string sign_key;                      // RW... or ""
  std::optional<std::string> isa, dsp, mou;  // YYYY-MM-DD
  std::optional<std::string> expires;        // YYYY-MM-DD
  std::string legal_basis;
  std::string allow = "basic";  // basic | full
  std::string added_at, added_by, updated_at;

  nlohmann::json to_json() const;
};

// Inserts P, or updates the partner of that name (names compare without
// regard to case): a renewed agreement is recorded by adding again. Checks
// the recipient and signing key parse and the dates are YYYY-MM-DD;
// ADDED_BY is the acting user. Returns whether the partner was new.
Result<bool> add(Store& store, Partner p);
Result<std::vector<Partner>> list(Store& store);
// Unknown name: Errc::kInvalidInput ("unknown partner 'X'") with a hint.
Result<Partner> get(Store& store, const std::string& name);
Status remove(Store& store, const std::string& name);

// Checks P may receive personal data on TODAY (YYYY-MM-DD): isa, dsp and
// mou all dated on or before today, and expires on or after today. Refusals
// are Errc::kPolicy naming the partner and the agreement, with a hint.
Status check_agreements(const Partner& p, const std::string& today);
// Checks P may receive PROFILE ("basic" or "full"): Errc::kPolicy if not.
Status check_profile(const Partner& p, const std::string& profile);

// Everything needed to seal personal data to the partners NAMES on TODAY:
// each must exist, have its agreements in force and be allowed PROFILE
// ("basic" or "full"; "" skips that check, e.g. for a file that is not an
// export). Returns their recipients and their names as registered, in order.
struct Destination {
  std::vector<age::Recipient> recipients;
  std::vector<std::string> names;
};
Result<Destination> destination(Store& store, const std::vector<std::string>& names,
                                const std::string& profile, const std::string& today);

// P's age recipient and (if recorded) signing key, parsed.
Result<age::Recipient> recipient_of(const Partner& p);
Result<std::optional<minisign::PublicKey>> sign_key_of(const Partner& p);

}  // namespace sfcohort::partners

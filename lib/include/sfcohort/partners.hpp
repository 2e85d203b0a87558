// The partner register: who the team may share with, how to seal to them and
// check their signatures, and on what agreements. The table `partner`
// (schema/0004_partner.sql) is db/'s (db/partners.hpp).
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
  // Whether the partner may be told about closed families (a family that
  // has left the programme); off unless the agreements allow it.
  bool history = false;
  std::string added_at, added_by, updated_at;

  nlohmann::json to_json() const;
};

// Inserts P. Checks the recipient and signing key parse and the dates are
// YYYY-MM-DD; ADDED_BY is the acting user. A partner of that name (names
// compare without regard to case) is refused (kInvalidInput): change one
// with update(), which keeps what it is not told.
Status add(Store& store, Partner p);

// The fields update() changes; those not given are kept.
struct Change {
  std::optional<std::string> recipient;  // age1...
  std::optional<std::string> sign_key;   // RW...; "" removes it
  std::vector<std::string> agreements;   // KIND=DATE each, as set_agreement()
  std::optional<std::string> expires;    // YYYY-MM-DD; "" removes the end date
  std::optional<std::string> legal_basis;
  std::optional<std::string> allow;  // basic | full
  std::optional<bool> history;
  bool empty() const;
};
// Changes the partner NAME as CHANGE says and nothing else, with the checks
// of add(), in one transaction with its audit entry (the fields changed,
// before and after). Unknown name: as get(); an empty change: kInvalidInput.
// Returns the partner as stored.
Result<Partner> update(Store& store, const std::string& name, const Change& change);
Result<std::vector<Partner>> list(Store& store);
// Unknown name: Errc::kInvalidInput ("unknown partner 'X'") with a hint.
Result<Partner> get(Store& store, const std::string& name);
Status remove(Store& store, const std::string& name);

// An agreement as given by a user, "KIND=DATE": isa, dsp (or dsf) or mou,
// and a date in any form parse_date() reads. Sets that agreement of P to the
// date (YYYY-MM-DD). kInvalidInput for another shape, kind or date, with a
// message starting "agreement " (as `--agreement ...` reads).
Status set_agreement(Partner& p, const std::string& kind_eq_date);

// Where P stands on a day: whether sharing is allowed and, if not, why.
struct Standing {
  enum class Kind {
    kOk,       // every agreement in force
    kMissing,  // an agreement is not recorded
    kNotYet,   // an agreement is dated after the day
    kExpired,  // the information sharing agreement has expired
  };
  Kind kind = Kind::kOk;
  std::string agreement;  // the agreement concerned: isa, dsp or mou ("" when kOk)
  std::string message;    // the refusal, naming the partner ("" when kOk)

  bool ok() const { return kind == Kind::kOk; }
  // "ok", "missing", "not yet" or "expired", as `share partner list` shows it.
  const char* name() const;
};
// P's standing on TODAY (YYYY-MM-DD): isa, dsp and mou all dated on or before
// today, and expires (if recorded) on or after today.
Standing standing(const Partner& p, const std::string& today);

// Checks P may receive personal data on TODAY (YYYY-MM-DD): isa, dsp and
// mou all dated on or before today, and expires on or after today. Refusals
// are Errc::kPolicy with standing()'s message and a hint.
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
// Why destination() refused a partner on policy (Errc::kPolicy), for a
// caller that words its own hints: the partner as registered, and either
// its standing (not ok) or, with its agreements in force, the profile.
struct Refusal {
  std::string partner;
  Standing standing;
  bool profile = false;  // PROFILE is not allowed to the partner
};
// On a policy refusal, *WHY (if given) says which partner and why.
Result<Destination> destination(Store& store, const std::vector<std::string>& names,
                                const std::string& profile, const std::string& today,
                                Refusal* why = nullptr);

// P's age recipient and (if recorded) signing key, parsed.
Result<age::Recipient> recipient_of(const Partner& p);
Result<std::optional<minisign::PublicKey>> sign_key_of(const Partner& p);

}  // namespace sfcohort::partners

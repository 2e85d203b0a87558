// Sealed exchange with partners in one call each way, for every command that
// sends or receives personal data (share seal/open, export, lookup --batch):
// the partner register and its agreement checks, the team keys, the sealed
// file and its signature, and the audit entry, written before the output is
// renamed into place so no exchange happens unrecorded.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sfcohort/keys.hpp"
#include "sfcohort/seal.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::exchange {

struct SealRequest {
  std::vector<std::string> partners;    // from the register: agreements must be in force
  std::vector<std::string> recipients;  // age1... outside the register: needs REASON
  std::string reason;
  std::string profile;  // checked against each partner's --allow ("" for any file)
  bool armor = false;
  std::string trusted_comment;  // "" for minisign's default; never personal data
  std::string audit_subject;
  // Merged into the audit entry with "to", "recipients", "reason", "output",
  // "bytes" and "blake2b". Put "families" here when they are known.
  nlohmann::json audit_detail = nlohmann::json::object();
  // The people the file discloses (partner left ""): recorded once per
  // partner and recipient it is sealed to, with the audit entry.
  std::vector<Disclosure> disclosed;
};

// Seals IN to OUT_PATH (+ OUT_PATH.minisig) for the request's partners and
// recipients, signed with the team key from the store's key directory (PASS
// unlocks it if protected). Refusals: Errc::kPolicy (agreements, profile),
// kInvalidInput (unknown partner, bad recipient, no reason), kCrypto (keys).
Result<seal::Sealed> seal_for(Store& store, age::Source& in, const std::string& out_path,
                              const SealRequest& req, const keys::PassphraseSource& pass);

struct OpenRequest {
  std::string from;    // the partner who must have signed ("" = any registered partner)
  bool verify = true;  // false: --no-verify (recorded)
  std::vector<std::string> passphrases;  // also tried on passphrase (scrypt) files
  std::string audit_subject;
  nlohmann::json audit_detail = nlohmann::json::object();
};

struct Received {
  seal::Opened opened;
  std::string partner;  // the registered partner whose key signed it ("" if not verified)
};

// Opens IN_PATH into OUT_PATH ("-": standard output) with the team identity,
// verifying the signature against the register.
Result<Received> open_to_file(Store& store, const std::string& in_path, const std::string& out_path,
                              const OpenRequest& req, const keys::PassphraseSource& pass);
// The same into a private temporary file, removed when the returned object is
// destroyed (for a sealed input read by path, e.g. lookup --batch).
Result<std::pair<seal::TempPlaintext, Received>> open_to_temp(Store& store,
                                                              const std::string& in_path,
                                                              const OpenRequest& req,
                                                              const keys::PassphraseSource& pass);

}  // namespace sfcohort::exchange

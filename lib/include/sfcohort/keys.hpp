// The team identity in the key directory ($SFCOHORT_KEYS): an age X25519 key
// (age.key, in age-keygen's format) for files partners seal to the team, and
// a minisign key pair (minisign.key, minisign.pub) that signs what the team
// sends; age.pub holds the recipient for reference. Secret files are 0600 and
// the directory 0700. With a passphrase,
// age.key is itself an armored age file sealed with that passphrase (what
// `age -d -i age.key` accepts) and minisign.key is encrypted as minisign does.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/age.hpp"
#include "sfcohort/minisign.hpp"
#include "sfcohort/result.hpp"

namespace sfcohort::keys {

// Asked for the passphrase only when a protected key must be unlocked.
// Returns the passphrase, or an error (no source: Errc::kCrypto).
using PassphraseSource = std::function<Result<std::string>()>;

struct TeamPublic {
  age::Recipient recipient;
  minisign::PublicKey sign_key;
};

struct KeygenOptions {
  std::optional<std::string> passphrase;  // none: unprotected secret files
  bool force = false;                     // replace existing keys
  // Work factors; tests lower them. Defaults are age's and minisign's.
  int age_scrypt_log_n = 18;
  uint64_t minisign_opslimit = minisign::SecretKey::kOpsLimit;
  uint64_t minisign_memlimit = minisign::SecretKey::kMemLimit;
};

// The first of the team's key files (age.key, minisign.key, minisign.pub)
// that exists in DIR, if any.
std::optional<std::string> existing_key_file(const std::string& dir);

// Makes the team identity in DIR. Existing keys without FORCE: Errc::kInvalidInput
// with a hint.
Result<TeamPublic> generate(const std::string& dir, const KeygenOptions& opt);

// The team's public half (minisign.pub; age.pub, or age.key's "# public key:" line).
Result<TeamPublic> load_public(const std::string& dir);

// The team's age identity, unlocked with PASS when age.key is protected.
Result<age::Identity> load_identity(const std::string& dir, const PassphraseSource& pass);
// The team's minisign secret key, unlocked with PASS when it is protected.
Result<minisign::SecretKey> load_signing_key(const std::string& dir, const PassphraseSource& pass);

// True when FILE (age.key or minisign.key in DIR) needs a passphrase.
bool is_protected(const std::string& dir, const std::string& file);

}  // namespace sfcohort::keys

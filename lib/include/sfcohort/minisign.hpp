// minisign key pairs and detached signatures, in minisign 0.11's exact file
// formats, so `minisign -V` verifies what we sign and we verify what it signs.
// Only the prehashed form ("ED": Ed25519 over BLAKE2b-512 of the file) is
// written or accepted; the legacy "Ed" form is refused, as `minisign -H` does.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sfcohort/result.hpp"

namespace sfcohort::minisign {

using Hash64 = std::array<uint8_t, 64>;
using KeyId = std::array<uint8_t, 8>;

struct PublicKey {
  KeyId key_id{};
  std::array<uint8_t, 32> key{};

  // Accepts a minisign.pub file's text or its base64 line alone ("RW...").
  static Result<PublicKey> parse(std::string_view text);
  std::string base64() const;      // "RW..." (56 characters)
  std::string file_text() const;   // the two-line .pub file
  std::string key_id_hex() const;  // as minisign prints it: upper case, no leading zeros
  bool operator==(const PublicKey& o) const { return key_id == o.key_id && key == o.key; }
};

// A secret key; wiped when destroyed.
class SecretKey {
 public:
  static SecretKey generate();
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  PublicKey public_key() const;
  const KeyId& key_id() const { return key_id_; }

  // minisign's secret key file. With a passphrase the key is encrypted with
  // scrypt at OPSLIMIT/MEMLIMIT (minisign uses 2^25 and 1 GiB); without, it
  // is written as `minisign -W` does.
  static constexpr uint64_t kOpsLimit = 33554432;
  static constexpr uint64_t kMemLimit = 1073741824;
  std::string file_text(std::optional<std::string_view> passphrase, uint64_t opslimit = kOpsLimit,
                        uint64_t memlimit = kMemLimit) const;
  // Reads a secret key file. An encrypted key needs PASSPHRASE; a wrong one
  // is Errc::kCrypto ("wrong passphrase").
  static Result<SecretKey> parse(std::string_view text, std::optional<std::string_view> passphrase);
  // True when the file's key is encrypted (needs a passphrase).
  static Result<bool> is_encrypted(std::string_view text);

  // Signs a prehash. The trusted comment must be one line.
  std::string sign(const Hash64& prehash, std::string_view trusted_comment,
                   std::string_view untrusted_comment = "signature from sfcohort secret key") const;

 private:
  SecretKey() = default;
  KeyId key_id_{};
  std::array<uint8_t, 64> sk_{};  // libsodium layout: seed || public key
};

// BLAKE2b-512, streamed: the prehash minisign signs.
class Prehash {
 public:
  Prehash();
  ~Prehash();
  Prehash(const Prehash&) = delete;
  Prehash& operator=(const Prehash&) = delete;
  void update(const void* p, size_t n);
  Hash64 finish();

 private:
  struct State;
  std::unique_ptr<State> st_;
};

// libsodium's BLAKE2b-512 of P (slower), to check Prehash against in tests.
Hash64 prehash_reference(const void* p, size_t n);

// The prehash of a whole file. Unreadable: Errc::kEnvironment.
Result<Hash64> prehash_file(const std::string& path);

// Checks a .minisig file's text against KEY and the file's prehash: the key
// ids, the signature, then the trusted comment's global signature. Returns
// the trusted comment. Any failure is Errc::kCrypto.
Result<std::string> verify(const PublicKey& key, const Hash64& prehash, std::string_view sig_text);

// The key id named in a .minisig file (to find the signer among several).
Result<KeyId> signature_key_id(std::string_view sig_text);

}  // namespace sfcohort::minisign

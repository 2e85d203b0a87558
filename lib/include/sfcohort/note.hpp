// Signed notes (C2SP signed-note) with Ed25519 keys: the format of the
// audit checkpoints the auditor signs. A note is text ending in a newline,
// a blank line, then one line per signature: "— NAME BASE64(key hash (4
// bytes, big-endian) || Ed25519 signature of the text)". The key hash is
// the first 4 bytes of SHA-256(NAME || "\n" || 0x01 || public key).
// Keys as text: a verifier "NAME+HASH+BASE64(0x01 || public key)", a signer
// "PRIVATE+KEY+NAME+HASH+BASE64(0x01 || seed)" (HASH: 8 hex digits), as
// golang.org/x/mod/sumdb/note writes them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sfcohort/result.hpp"

namespace sfcohort::note {

class Verifier {
 public:
  // Errc::kInvalidInput for anything but an Ed25519 verifier key.
  static Result<Verifier> parse(std::string_view text);
  const std::string& name() const { return name_; }
  uint32_t hash() const { return hash_; }
  std::string text() const;

 private:
  friend class Signer;
  std::string name_;
  uint32_t hash_ = 0;
  std::array<uint8_t, 32> pub_{};
  friend Result<std::string> open(std::string_view, const Verifier&);
};

class Signer {
 public:
  // A new key named NAME (no '+', space or newline): kInvalidInput otherwise.
  static Result<Signer> generate(const std::string& name);
  static Result<Signer> parse(std::string_view text);
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) = delete;
  ~Signer();  // wipes the seed

  const Verifier& verifier() const { return verifier_; }
  std::string text() const;  // the secret key's text: keep it secret
  // TEXT (which must end in a newline) as a note signed with this key.
  std::string sign(std::string_view text) const;

 private:
  Signer() = default;
  Verifier verifier_;
  std::array<uint8_t, 32> seed_{};
};

// Checks NOTE carries a valid signature by V (other signatures are
// ignored) and returns its text (up to and with the newline before the
// blank line). Errc::kCrypto when it is not signed by V or the signature
// fails; kInvalidInput when NOTE is not a signed note.
Result<std::string> open(std::string_view note, const Verifier& v);

}  // namespace sfcohort::note

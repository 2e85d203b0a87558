// Helpers shared by the crypto/ files (the only ones that use
// libsodium): strict base64, HKDF-SHA-256, and wiping secrets on scope exit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfcohort::crypto {

// sodium_init() once; throws if libsodium cannot start (no usable RNG).
void ensure_sodium();

// Standard base64, padded or not (age headers are unpadded; armor and
// minisign are padded).
std::string b64_encode(const uint8_t* p, size_t n, bool padded);
// Strict: canonical encoding only, no whitespace, nothing left over.
std::optional<std::string> b64_decode(std::string_view s, bool padded);

// HKDF-SHA-256 with a 32-byte output (one expand block). An empty salt is
// RFC 5869's string of zeros.
void hkdf_sha256_32(uint8_t out[32], const uint8_t* ikm, size_t ikm_len, const uint8_t* salt,
                    size_t salt_len, std::string_view info);

// Wipes the listed buffers when it goes out of scope.
class Wipe {
 public:
  explicit Wipe(std::initializer_list<std::pair<void*, size_t>> bufs) : bufs_(bufs) {}
  ~Wipe();
  Wipe(const Wipe&) = delete;
  Wipe& operator=(const Wipe&) = delete;

 private:
  std::vector<std::pair<void*, size_t>> bufs_;
};

}  // namespace sfcohort::crypto

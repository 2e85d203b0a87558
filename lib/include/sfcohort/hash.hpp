// Digests and randomness used outside the sealed-exchange code: the SHA-256
// digests of input files written to the audit trail, and the keyed hashes that
// chain audit entries.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sfcohort/result.hpp"

namespace sfcohort {

using Digest32 = std::array<uint8_t, 32>;

// Streaming SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  Digest32 finish();

 private:
  struct State;
  std::unique_ptr<State> st_;
};

// SHA-256 of A followed by B, at once (no allocation).
Digest32 sha256(std::string_view a, std::string_view b = {});
// HMAC-SHA-256 of DATA under KEY (any length).
Digest32 hmac_sha256(std::string_view key, std::string_view data);
// SHA-256 of a whole file, streamed. Unreadable: Errc::kEnvironment.
Result<Digest32> sha256_file(const std::string& path);
// Lower-case hex.
std::string to_hex(const uint8_t* p, size_t n);
inline std::string to_hex(const Digest32& d) { return to_hex(d.data(), d.size()); }
// Fills BUF with N cryptographically random bytes.
void random_bytes(void* buf, size_t n);
// Standard padded base64, and its strict inverse (nullopt for anything but
// the canonical encoding).
std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);
// Compares in constant time.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace sfcohort

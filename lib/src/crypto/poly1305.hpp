// Poly1305 (RFC 8439 section 2.5), the authenticator of ChaCha20-Poly1305.
// Long messages are processed eight blocks at a time with AVX-512 IFMA
// (52-bit multiply-add) where the CPU has it, about four times libsodium
// 1.0.18's SSE2 code; the rest, and every other CPU, uses 64-bit integer
// arithmetic on three 44-bit limbs. Both are checked against libsodium's
// crypto_onetimeauth_poly1305 (tests/unit/crypto/chacha20_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sfcohort::crypto {

class Poly1305 {
 public:
  // KEY: the 32-byte one-time key (r, then s).
  explicit Poly1305(const uint8_t key[32]);
  ~Poly1305();
  Poly1305(const Poly1305&) = delete;
  Poly1305& operator=(const Poly1305&) = delete;

  // Adds N full 16-byte blocks.
  void blocks(const uint8_t* p, size_t n);
  // Adds the message's last LEN < 16 bytes, if any, as RFC 8439 pads a short
  // block, and writes the tag. Nothing may be added afterwards.
  void finish(const uint8_t* rest, size_t len, uint8_t tag[16]);

  // Tests: true makes later objects use only the 64-bit code.
  static void force_portable(bool on);
  // "avx512ifma" or "64-bit": the code long messages get.
  static const char* implementation();

 private:
  uint64_t r_[3], s_[2], h_[3] = {0, 0, 0};
  bool vector_;
};

}  // namespace sfcohort::crypto

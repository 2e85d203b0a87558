// ChaCha20 (RFC 8439 section 2.4) and the ChaCha20-Poly1305 AEAD with an
// empty associated data (section 2.8), the cipher of age's STREAM payload.
// The keystream is computed 16 blocks at a time with AVX-512 where the CPU
// has it (about three times libsodium 1.0.18's AVX2 code), and by libsodium
// everywhere else; both give the same bytes (tests/unit/crypto/chacha20_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sfcohort::crypto {

// OUT = IN xor the ChaCha20 keystream of KEY and NONCE starting at block
// COUNTER, as libsodium's crypto_stream_chacha20_ietf_xor_ic. OUT may equal
// IN but must not overlap it otherwise. COUNTER + N/64 must stay below 2^32.
void chacha20_xor(uint8_t* out, const uint8_t* in, size_t n, const uint8_t nonce[12],
                  uint32_t counter, const uint8_t key[32]);

// ChaCha20-Poly1305 with no associated data: OUT (N + 16 bytes) receives the
// ciphertext and then the tag, byte for byte what libsodium's
// crypto_aead_chacha20poly1305_ietf_encrypt writes. OUT must not overlap IN.
void aead_seal(uint8_t* out, const uint8_t* in, size_t n, const uint8_t nonce[12],
               const uint8_t key[32]);
// Checks the tag of IN (N >= 16 bytes: ciphertext then tag) and only then
// writes the N - 16 bytes of plaintext to OUT (which must not overlap IN).
// False, with OUT untouched, when the tag does not verify.
bool aead_open(uint8_t* out, const uint8_t* in, size_t n, const uint8_t nonce[12],
               const uint8_t key[32]);

// "avx512" or "libsodium": the keystream code this process uses.
const char* chacha20_implementation();
// Tests: true makes every later call use libsodium's keystream; false
// restores the choice made from the CPU.
void chacha20_force_portable(bool on);

}  // namespace sfcohort::crypto

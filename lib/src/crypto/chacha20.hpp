// ChaCha20-Poly1305 (RFC 8439 section 2.8) with empty associated data: the
// cipher of age's STREAM payload, computed by OpenSSL's libcrypto (EVP).
//
// libcrypto, not hand-written code: OpenSSL 3.0 has reviewed, widely
// deployed ChaCha20 and Poly1305 code for every x86-64 vector width (AVX-512
// and IFMA included) and for other CPUs. On the machine of BENCHMARKS.md it
// seals 64 KiB chunks at 0.27 s/GiB of CPU, a little faster than the
// AVX-512 code we had written (0.285 s) and three times libsodium 1.0.18
// (0.79 s). The output is byte for byte libsodium's
// crypto_aead_chacha20poly1305_ietf_* (tests/unit/crypto/chacha20_test.cpp),
// which still wraps age's 16-byte file keys, where speed does not matter.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfcohort/result.hpp"

struct evp_cipher_ctx_st;  // OpenSSL's EVP_CIPHER_CTX

namespace sfcohort::crypto {

// One libcrypto cipher context, set up once and reused for every message a
// thread seals or opens: nothing is allocated per message. Use one object
// per thread. The destructor frees the context, and libcrypto wipes the key
// it holds as it does.
//
// Failures of libcrypto itself (no memory, no such algorithm) are
// Errc::kInternal errors; they never pass as output.
class ChaCha20Poly1305 {
 public:
  ChaCha20Poly1305() = default;
  ~ChaCha20Poly1305();
  ChaCha20Poly1305(const ChaCha20Poly1305&) = delete;
  ChaCha20Poly1305& operator=(const ChaCha20Poly1305&) = delete;

  // OUT (N + 16 bytes) receives the ciphertext of the N bytes at IN under
  // KEY and NONCE, then the tag. OUT must not overlap IN.
  Status seal(const uint8_t key[32], const uint8_t nonce[12], const uint8_t* in, size_t n,
              uint8_t* out);
  // IN is N >= 16 bytes, ciphertext then tag. True when the tag verifies,
  // with the N - 16 bytes of plaintext in OUT (which must not overlap IN);
  // false when it does not (or N < 16), with OUT's first N - 16 bytes zeroed:
  // libcrypto decrypts before it checks, and unverified plaintext must not
  // stay behind.
  Result<bool> open(const uint8_t key[32], const uint8_t nonce[12], const uint8_t* in, size_t n,
                    uint8_t* out);

 private:
  // Starts a message: sealing when SEAL, opening otherwise.
  Status begin(const uint8_t key[32], const uint8_t nonce[12], bool seal);
  // Runs the N bytes at IN through the context into OUT.
  Status update(const uint8_t* in, size_t n, uint8_t* out, const char* what);

  evp_cipher_ctx_st* ctx_ = nullptr;
};

}  // namespace sfcohort::crypto

// The parts of an age file that the pipelined encrypt and decrypt
// (crypto/age_pipeline.cpp) share with the one-thread code in crypto/age.cpp:
// the header with the payload nonce, the payload key, and the STREAM chunks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/chacha20.hpp"
#include "sfcohort/age.hpp"

namespace sfcohort::age::detail {

constexpr size_t kChunk = 64 * 1024;  // plaintext bytes per STREAM chunk
constexpr size_t kTag = 16;
constexpr size_t kEncChunk = kChunk + kTag;

// A payload key; wiped when destroyed.
struct PayloadKey {
  uint8_t key[32] = {0};
  PayloadKey() = default;
  PayloadKey(const PayloadKey&) = delete;
  PayloadKey& operator=(const PayloadKey&) = delete;
  ~PayloadKey();
};

// Encrypts chunk COUNTER (LAST: the final chunk) of N <= kChunk plaintext
// bytes into OUT (N + kTag bytes), with the calling thread's AEAD context.
// Errors: libcrypto's failures (Errc::kInternal).
Status seal_chunk(crypto::ChaCha20Poly1305& aead, const PayloadKey& k, uint64_t counter, bool last,
                  const uint8_t* in, size_t n, uint8_t* out);
// Opens chunk COUNTER (N bytes with its tag, kTag <= N <= kEncChunk) into OUT
// (N - kTag bytes): true when it verifies with the LAST flag given; false,
// with OUT wiped, when it does not. Errors: as seal_chunk().
Result<bool> open_chunk(crypto::ChaCha20Poly1305& aead, const PayloadKey& k, uint64_t counter,
                        bool last, const uint8_t* in, size_t n, uint8_t* out);

// A new file key wrapped for every recipient in TO (at least one): returns
// the binary header and the payload nonce, everything that precedes the
// first chunk, and sets KEY to the payload's key.
std::string begin_encrypt(const std::vector<Recipient>& to, PayloadKey& key);

// Reads a binary age file's header and payload nonce from IN (whose first
// bytes are "age-encryption.org/"), unwraps the file key, checks the header
// MAC and sets KEY to the payload's key. Bytes read from IN beyond the nonce
// (the start of the payload) are appended to REST. Errors and WHY as for
// decrypt().
Status begin_decrypt(Source& in, const DecryptOptions& opt, PayloadKey& key, std::string& rest,
                     Failure* why);

}  // namespace sfcohort::age::detail

// BLAKE2b-512 (RFC 7693), unkeyed: minisign's prehash, the hash that
// signing a sealed file and checking it run over every byte of the file.
// Computed by OpenSSL's libcrypto (EVP "BLAKE2B-512").
//
// libcrypto, not hand-written code: its BLAKE2b is reviewed and widely
// deployed. On the machine of BENCHMARKS.md it hashes 1 GiB in 0.91 s of
// CPU: slower than the x86-64 assembly we had written (0.78 s), which no one
// else had reviewed, and twice as fast as libsodium 1.0.18's
// crypto_generichash (1.73 s; it still gives the 32-byte checksum of
// minisign's key files). The hash is one long chain of dependent steps that
// cannot be split between threads, so the seal and open pipeline
// (crypto/age_pipeline.hpp) runs it on one core while the cipher runs on the
// other. Checked against the RFC's vectors and against libsodium on many
// lengths and splits (tests/unit/crypto/minisign_test.cpp), and against
// minisign and b2sum end to end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "sfcohort/result.hpp"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace sfcohort::minisign::detail {

class Blake2b512 {
 public:
  Blake2b512();
  ~Blake2b512();
  Blake2b512(const Blake2b512&) = delete;
  Blake2b512& operator=(const Blake2b512&) = delete;

  // Hashes N more bytes. A failure of libcrypto is kept for finish().
  void update(const uint8_t* p, size_t n);
  // Writes the digest, or returns the first failure of libcrypto (an
  // Errc::kInternal error). Nothing may be added afterwards.
  Status finish(uint8_t out[64]);

 private:
  evp_md_ctx_st* ctx_ = nullptr;
  std::optional<Error> error_;
};

}  // namespace sfcohort::minisign::detail

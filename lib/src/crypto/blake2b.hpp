// BLAKE2b-512 (RFC 7693), unkeyed, for minisign's prehash: signing a sealed
// file hashes every byte of it on one thread, and that hash sets the pace of
// `share seal` on a large file.
//
// Measured on the 2-vCPU AMD EPYC (Zen 5) machine of BENCHMARKS.md, 1 GiB:
// libsodium 1.0.18's crypto_generichash 1.8 s; this file's portable C++
// 0.86 s; the x86-64 assembly (crypto/blake2b_x86_64.S) 0.78 s. Vector
// versions (AVX2, AVX-512 with hidden permutes) were 1.5 s or slower, as
// vector adds and rotations have twice the latency there.
//
// The assembly is used on x86-64 builds; the portable code everywhere else
// and whenever Impl::kPortable is asked for. Both are checked against the
// RFC's vectors and against libsodium on many lengths and splits
// (tests/unit/minisign_test.cpp), and against minisign and b2sum end to end.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sfcohort::minisign::detail {

class Blake2b512 {
 public:
  enum class Impl { kBest, kPortable };
  explicit Blake2b512(Impl impl = Impl::kBest);
  void update(const uint8_t* p, size_t n);
  void finish(uint8_t out[64]);
  // Whether this build has the assembly (what kBest gives).
  static bool has_assembly();

 private:
  // Compresses N whole blocks at P, adding INC to the counter before each.
  void blocks(const uint8_t* p, size_t n, uint64_t inc, bool last);
  uint64_t s_[10];  // h[0..7], then the byte counter t[0..1]
  uint8_t buf_[128];
  size_t buflen_ = 0;
  bool portable_;
};

}  // namespace sfcohort::minisign::detail

// BLAKE2b-512 (RFC 7693), unkeyed, for minisign's prehash. libsodium 1.0.18's
// crypto_generichash runs at about 1.8 s/GiB on the machines we measured,
// which made signing the slowest step of sealing a large file; this plain
// 64-bit implementation runs at about twice that speed. It is checked against
// the RFC's test vector, against libsodium on many lengths and splits
// (tests/unit/minisign_test.cpp), and against minisign and b2sum end to end.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sfcohort::minisign::detail {

class Blake2b512 {
 public:
  Blake2b512();
  void update(const uint8_t* p, size_t n);
  void finish(uint8_t out[64]);

 private:
  void compress(const uint8_t block[128], bool last);
  uint64_t h_[8];
  uint64_t t_[2] = {0, 0};
  uint8_t buf_[128];
  size_t buflen_ = 0;
};

}  // namespace sfcohort::minisign::detail

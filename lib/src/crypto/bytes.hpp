// Little-endian loads shared by the hand-written primitives (BLAKE2b,
// Poly1305), whichever the host's byte order.
#pragma once

#include <cstdint>
#include <cstring>

namespace sfcohort::crypto {

inline uint64_t load64_le(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

}  // namespace sfcohort::crypto

// BLAKE2b as RFC 7693 specifies it (sections 2.5-3.3): the buffering, and
// the portable compression, whose sixteen working words live in locals so
// the compiler can keep most of them in registers.
#include "crypto/blake2b.hpp"
#include "crypto/bytes.hpp"

#include <cstring>

namespace sfcohort::minisign::detail {
namespace {

constexpr uint64_t kIv[8] = {0x6A09E667F3BCC908ULL, 0xBB67AE8584CAA73BULL, 0x3C6EF372FE94F82BULL,
                             0xA54FF53A5F1D36F1ULL, 0x510E527FADE682D1ULL, 0x9B05688C2B3E6C1FULL,
                             0x1F83D9ABFB41BD6BULL, 0x5BE0CD19137E2179ULL};

constexpr uint8_t kSigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

inline uint64_t rotr(uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }

inline uint64_t load64(const uint8_t* p) { return crypto::load64_le(p); }

}  // namespace

#if SFCOHORT_BLAKE2B_X86_64
extern "C" void sf_blake2b_x86_64_blocks(uint64_t st[10], const uint8_t* p, size_t n, uint64_t inc,
                                         uint64_t final);
bool Blake2b512::has_assembly() { return true; }
#else
bool Blake2b512::has_assembly() { return false; }
#endif

Blake2b512::Blake2b512(Impl impl) : portable_(impl == Impl::kPortable || !has_assembly()) {
  std::memcpy(s_, kIv, sizeof kIv);
  s_[0] ^= 0x01010000ULL ^ 64;  // no key, 64-byte digest
  s_[8] = s_[9] = 0;
}

#define SF_G(a, b, c, d, x, y) \
  do {                         \
    a = a + b + (x);           \
    d = rotr(d ^ a, 32);       \
    c = c + d;                 \
    b = rotr(b ^ c, 24);       \
    a = a + b + (y);           \
    d = rotr(d ^ a, 16);       \
    c = c + d;                 \
    b = rotr(b ^ c, 63);       \
  } while (0)

namespace {

// One block of the portable compression; ST is h[0..7] and t[0..1].
void compress(uint64_t st[10], const uint8_t block[128], bool last) {
  uint64_t* h = st;
  uint64_t m[16];
  for (int i = 0; i < 16; ++i) m[i] = load64(block + 8 * i);
  uint64_t v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
  uint64_t v8 = kIv[0], v9 = kIv[1], v10 = kIv[2], v11 = kIv[3], v12 = kIv[4] ^ st[8],
           v13 = kIv[5] ^ st[9], v14 = last ? ~kIv[6] : kIv[6], v15 = kIv[7];
#pragma GCC unroll 12
  for (int r = 0; r < 12; ++r) {
    const uint8_t* s = kSigma[r];
    SF_G(v0, v4, v8, v12, m[s[0]], m[s[1]]);
    SF_G(v1, v5, v9, v13, m[s[2]], m[s[3]]);
    SF_G(v2, v6, v10, v14, m[s[4]], m[s[5]]);
    SF_G(v3, v7, v11, v15, m[s[6]], m[s[7]]);
    SF_G(v0, v5, v10, v15, m[s[8]], m[s[9]]);
    SF_G(v1, v6, v11, v12, m[s[10]], m[s[11]]);
    SF_G(v2, v7, v8, v13, m[s[12]], m[s[13]]);
    SF_G(v3, v4, v9, v14, m[s[14]], m[s[15]]);
  }
  h[0] ^= v0 ^ v8;
  h[1] ^= v1 ^ v9;
  h[2] ^= v2 ^ v10;
  h[3] ^= v3 ^ v11;
  h[4] ^= v4 ^ v12;
  h[5] ^= v5 ^ v13;
  h[6] ^= v6 ^ v14;
  h[7] ^= v7 ^ v15;
}

#undef SF_G

}  // namespace

void Blake2b512::blocks(const uint8_t* p, size_t n, uint64_t inc, bool last) {
#if SFCOHORT_BLAKE2B_X86_64
  if (!portable_) {
    sf_blake2b_x86_64_blocks(s_, p, n, inc, last ? ~uint64_t{0} : 0);
    return;
  }
#endif
  for (; n > 0; --n, p += 128) {
    s_[8] += inc;
    if (s_[8] < inc) ++s_[9];
    compress(s_, p, last);
  }
}

void Blake2b512::update(const uint8_t* p, size_t n) {
  // The last block is compressed with the final flag in finish(), so a full
  // buffer is compressed only once more input arrives.
  while (n > 0) {
    if (buflen_ == 128) {
      blocks(buf_, 1, 128, false);
      buflen_ = 0;
    }
    if (buflen_ == 0 && n > 128) {
      const size_t k = (n - 1) / 128;  // whole blocks, keeping at least one byte back
      blocks(p, k, 128, false);
      p += 128 * k;
      n -= 128 * k;
    }
    size_t k = 128 - buflen_ < n ? 128 - buflen_ : n;
    std::memcpy(buf_ + buflen_, p, k);
    buflen_ += k;
    p += k;
    n -= k;
  }
}

void Blake2b512::finish(uint8_t out[64]) {
  std::memset(buf_ + buflen_, 0, 128 - buflen_);
  blocks(buf_, 1, buflen_, true);
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) out[8 * i + j] = static_cast<uint8_t>(s_[i] >> (8 * j));
  }
}

}  // namespace sfcohort::minisign::detail

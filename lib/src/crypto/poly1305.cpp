// Poly1305 from RFC 8439 section 2.5: h = (h + block) * r mod 2^130 - 5 for
// each block, then tag = (h + s) mod 2^128.
//
// Numbers mod p = 2^130 - 5 are kept in three limbs of 44, 44 and 42 bits,
// so a product of two limbs fits the 52-bit multipliers of AVX-512 IFMA, and
// whatever reaches 2^130 or above folds back multiplied by 5: a limb product
// of weight 2^132 is the same as 20 times one of weight 2^0.
//
// Eight blocks at a time: lane j of the vector accumulates blocks j, j + 8,
// j + 16, ... by Horner's rule with r^8, and at the end lane j is multiplied
// by r^(8 - j) and the lanes are added, which gives the same sum of
// block * r^k as one block at a time.
#include "crypto/poly1305.hpp"
#include "crypto/bytes.hpp"

// GCC 12's AVX-512 intrinsics start some results from a deliberately
// uninitialised register, and -Wuninitialized reports each use.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#include <sodium.h>

#include <atomic>
#include <cstring>

namespace sfcohort::crypto {
namespace {

__extension__ typedef unsigned __int128 u128;  // GCC and Clang on 64-bit targets
constexpr uint64_t kM44 = (uint64_t{1} << 44) - 1;
constexpr uint64_t kM42 = (uint64_t{1} << 42) - 1;
constexpr uint64_t kHibit = uint64_t{1} << 40;  // 2^128, in the third limb

std::atomic<bool> g_force_portable{false};

bool cpu_has_ifma() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
  return has;
#else
  return false;
#endif
}

uint64_t load64(const uint8_t* p) { return crypto::load64_le(p); }

// A limb product sum reduced to limbs below 2^44, 2^44 (+1) and 2^42.
void carry(u128 d0, u128 d1, u128 d2, uint64_t h[3]) {
  uint64_t c = static_cast<uint64_t>(d0 >> 44);
  h[0] = static_cast<uint64_t>(d0) & kM44;
  d1 += c;
  c = static_cast<uint64_t>(d1 >> 44);
  h[1] = static_cast<uint64_t>(d1) & kM44;
  d2 += c;
  c = static_cast<uint64_t>(d2 >> 42);
  h[2] = static_cast<uint64_t>(d2) & kM42;
  h[0] += c * 5;
  c = h[0] >> 44;
  h[0] &= kM44;
  h[1] += c;
}

// H = H * R mod p, partly reduced.
void multiply(uint64_t h[3], const uint64_t r[3]) {
  const uint64_t s1 = r[1] * 20, s2 = r[2] * 20;
  u128 d0 = u128{h[0]} * r[0] + u128{h[1]} * s2 + u128{h[2]} * s1;
  u128 d1 = u128{h[0]} * r[1] + u128{h[1]} * r[0] + u128{h[2]} * s2;
  u128 d2 = u128{h[0]} * r[2] + u128{h[1]} * r[1] + u128{h[2]} * r[0];
  carry(d0, d1, d2, h);
}

void blocks_64(uint64_t h[3], const uint64_t r[3], const uint8_t* p, size_t n, uint64_t hibit) {
  for (; n; --n, p += 16) {
    const uint64_t lo = load64(p), hi = load64(p + 8);
    h[0] += lo & kM44;
    h[1] += ((lo >> 44) | (hi << 20)) & kM44;
    h[2] += (hi >> 24) | hibit;
    multiply(h, r);
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define SF_IFMA __attribute__((target("avx512f,avx512ifma")))

struct Vec3 {
  __m512i l0, l1, l2;
};

// H = H * R lane by lane (S = 20 * R), partly reduced as carry() does.
SF_IFMA inline void multiply8(Vec3& h, const Vec3& r, const __m512i s1, const __m512i s2) {
  const __m512i z = _mm512_setzero_si512();
  const __m512i m44 = _mm512_set1_epi64(static_cast<long long>(kM44));
  const __m512i m42 = _mm512_set1_epi64(static_cast<long long>(kM42));
  // Each limb product is lo + hi * 2^52, and 2^52 is 2^8 times the next limb's weight.
  __m512i lo0 = _mm512_madd52lo_epu64(_mm512_madd52lo_epu64(z, h.l0, r.l0), h.l1, s2);
  __m512i hi0 = _mm512_madd52hi_epu64(_mm512_madd52hi_epu64(z, h.l0, r.l0), h.l1, s2);
  __m512i lo1 = _mm512_madd52lo_epu64(_mm512_madd52lo_epu64(z, h.l0, r.l1), h.l1, r.l0);
  __m512i hi1 = _mm512_madd52hi_epu64(_mm512_madd52hi_epu64(z, h.l0, r.l1), h.l1, r.l0);
  __m512i lo2 = _mm512_madd52lo_epu64(_mm512_madd52lo_epu64(z, h.l0, r.l2), h.l1, r.l1);
  __m512i hi2 = _mm512_madd52hi_epu64(_mm512_madd52hi_epu64(z, h.l0, r.l2), h.l1, r.l1);
  lo0 = _mm512_madd52lo_epu64(lo0, h.l2, s1);
  hi0 = _mm512_madd52hi_epu64(hi0, h.l2, s1);
  lo1 = _mm512_madd52lo_epu64(lo1, h.l2, s2);
  hi1 = _mm512_madd52hi_epu64(hi1, h.l2, s2);
  lo2 = _mm512_madd52lo_epu64(lo2, h.l2, r.l0);
  hi2 = _mm512_madd52hi_epu64(hi2, h.l2, r.l0);
  // hi2 has weight 2^140 = 2^130 * 2^10: 5 * 2^10 = 5120 times weight 2^0.
  __m512i t0 = _mm512_add_epi64(
      lo0, _mm512_add_epi64(_mm512_slli_epi64(hi2, 12), _mm512_slli_epi64(hi2, 10)));
  __m512i t1 = _mm512_add_epi64(lo1, _mm512_slli_epi64(hi0, 8));
  __m512i t2 = _mm512_add_epi64(lo2, _mm512_slli_epi64(hi1, 8));
  __m512i c = _mm512_srli_epi64(t0, 44);
  h.l0 = _mm512_and_si512(t0, m44);
  t1 = _mm512_add_epi64(t1, c);
  c = _mm512_srli_epi64(t1, 44);
  h.l1 = _mm512_and_si512(t1, m44);
  t2 = _mm512_add_epi64(t2, c);
  c = _mm512_srli_epi64(t2, 42);
  h.l2 = _mm512_and_si512(t2, m42);
  h.l0 = _mm512_add_epi64(h.l0, _mm512_add_epi64(c, _mm512_slli_epi64(c, 2)));
  c = _mm512_srli_epi64(h.l0, 44);
  h.l0 = _mm512_and_si512(h.l0, m44);
  h.l1 = _mm512_add_epi64(h.l1, c);
}

SF_IFMA inline __m512i times20(__m512i x) {
  return _mm512_add_epi64(_mm512_slli_epi64(x, 4), _mm512_slli_epi64(x, 2));
}

SF_IFMA Vec3 broadcast(const uint64_t x[3]) {
  return {_mm512_set1_epi64(static_cast<long long>(x[0])),
          _mm512_set1_epi64(static_cast<long long>(x[1])),
          _mm512_set1_epi64(static_cast<long long>(x[2]))};
}

// Adds GROUPS * 8 blocks to H.
SF_IFMA void blocks_ifma(uint64_t h[3], const uint64_t r[3], const uint8_t* p, size_t groups) {
  uint64_t pw[9][3];  // pw[k] = r^k
  std::memcpy(pw[1], r, sizeof pw[1]);
  for (int k = 2; k <= 8; ++k) {
    std::memcpy(pw[k], pw[k - 1], sizeof pw[k]);
    multiply(pw[k], r);
  }
  const Vec3 r8 = broadcast(pw[8]);
  const __m512i s1 = times20(r8.l1), s2 = times20(r8.l2);
  const __m512i m44 = _mm512_set1_epi64(static_cast<long long>(kM44));
  const __m512i hibit = _mm512_set1_epi64(static_cast<long long>(kHibit));
  const __m512i even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
  // The running H joins lane 0, whose first block gets the highest power.
  Vec3 acc = {_mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, static_cast<long long>(h[0])),
              _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, static_cast<long long>(h[1])),
              _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, static_cast<long long>(h[2]))};
  for (size_t g = 0; g < groups; ++g, p += 128) {
    if (g) multiply8(acc, r8, s1, s2);
    const __m512i a = _mm512_loadu_si512(p), b = _mm512_loadu_si512(p + 64);
    const __m512i lo = _mm512_permutex2var_epi64(a, even, b);  // block j's low 8 bytes in lane j
    const __m512i hi = _mm512_permutex2var_epi64(a, odd, b);
    acc.l0 = _mm512_add_epi64(acc.l0, _mm512_and_si512(lo, m44));
    acc.l1 = _mm512_add_epi64(
        acc.l1, _mm512_and_si512(
                    _mm512_or_si512(_mm512_srli_epi64(lo, 44), _mm512_slli_epi64(hi, 20)), m44));
    acc.l2 = _mm512_add_epi64(acc.l2, _mm512_or_si512(_mm512_srli_epi64(hi, 24), hibit));
  }
  // Lane j times r^(8 - j).
  Vec3 rf;
  __m512i* limbs[3] = {&rf.l0, &rf.l1, &rf.l2};
  for (int l = 0; l < 3; ++l) {
    *limbs[l] =
        _mm512_set_epi64(static_cast<long long>(pw[1][l]), static_cast<long long>(pw[2][l]),
                         static_cast<long long>(pw[3][l]), static_cast<long long>(pw[4][l]),
                         static_cast<long long>(pw[5][l]), static_cast<long long>(pw[6][l]),
                         static_cast<long long>(pw[7][l]), static_cast<long long>(pw[8][l]));
  }
  multiply8(acc, rf, times20(rf.l1), times20(rf.l2));
  carry(static_cast<uint64_t>(_mm512_reduce_add_epi64(acc.l0)),
        static_cast<uint64_t>(_mm512_reduce_add_epi64(acc.l1)),
        static_cast<uint64_t>(_mm512_reduce_add_epi64(acc.l2)), h);
  sodium_memzero(pw, sizeof pw);
}
#endif

}  // namespace

Poly1305::Poly1305(const uint8_t key[32]) {
  // r with the bits RFC 8439 clears, in three limbs.
  const uint64_t t0 = load64(key) & 0x0ffffffc0fffffffULL;
  const uint64_t t1 = load64(key + 8) & 0x0ffffffc0ffffffcULL;
  r_[0] = t0 & kM44;
  r_[1] = ((t0 >> 44) | (t1 << 20)) & kM44;
  r_[2] = t1 >> 24;
  s_[0] = load64(key + 16);
  s_[1] = load64(key + 24);
  vector_ = cpu_has_ifma() && !g_force_portable.load(std::memory_order_relaxed);
}

Poly1305::~Poly1305() {
  sodium_memzero(r_, sizeof r_);
  sodium_memzero(s_, sizeof s_);
  sodium_memzero(h_, sizeof h_);
}

void Poly1305::blocks(const uint8_t* p, size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (vector_ && n >= 32) {
    const size_t groups = n / 8;
    blocks_ifma(h_, r_, p, groups);
    p += groups * 128;
    n -= groups * 8;
  }
#endif
  blocks_64(h_, r_, p, n, kHibit);
}

void Poly1305::finish(const uint8_t* rest, size_t len, uint8_t tag[16]) {
  if (len) {
    uint8_t last[16] = {0};
    std::memcpy(last, rest, len);
    last[len] = 1;  // the byte after the message, in place of 2^128
    blocks_64(h_, r_, last, 1, 0);
  }
  // Fully reduce h below 2^130, then subtract p if h >= p.
  uint64_t h0 = h_[0], h1 = h_[1], h2 = h_[2], c;
  for (int i = 0; i < 2; ++i) {
    c = h1 >> 44;
    h1 &= kM44;
    h2 += c;
    c = h2 >> 42;
    h2 &= kM42;
    h0 += c * 5;
    c = h0 >> 44;
    h0 &= kM44;
    h1 += c;
  }
  uint64_t g0 = h0 + 5;
  c = g0 >> 44;
  g0 &= kM44;
  uint64_t g1 = h1 + c;
  c = g1 >> 44;
  g1 &= kM44;
  const uint64_t g2 = h2 + c - (uint64_t{1} << 42);
  const uint64_t use_g = (g2 >> 63) - 1;  // all ones when h - p did not go below zero
  h0 = (h0 & ~use_g) | (g0 & use_g);
  h1 = (h1 & ~use_g) | (g1 & use_g);
  h2 = (h2 & ~use_g) | (g2 & use_g);
  const u128 h = u128{h0} + (u128{h1} << 44) + (u128{h2} << 88);
  const u128 t = h + (u128{s_[1]} << 64 | s_[0]);
  for (int i = 0; i < 16; ++i) tag[i] = static_cast<uint8_t>(t >> (8 * i));
}

void Poly1305::force_portable(bool on) { g_force_portable.store(on, std::memory_order_relaxed); }

const char* Poly1305::implementation() {
  return cpu_has_ifma() && !g_force_portable.load(std::memory_order_relaxed) ? "avx512ifma"
                                                                             : "64-bit";
}

}  // namespace sfcohort::crypto

// ChaCha20 16 blocks at a time in AVX-512 registers, written from RFC 8439
// section 2.3: lane j of register i holds word i of block COUNTER + j. After
// the twenty rounds the 16 x 16 words are transposed so that each register
// holds one 64-byte block, ready to be XORed with the input.
//
// A single BLAKE2b stream (the minisign prehash) gains nothing from SIMD on
// the CPUs we measured: it is one long chain of dependent additions and
// rotations, and vector operations have the longer latency. ChaCha20's
// blocks are independent, so 16 of them fill the vector units.
#include "crypto/chacha20.hpp"

// GCC 12's AVX-512 intrinsics start some results from a deliberately
// uninitialised register, and -Wuninitialized reports each use.
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#include <sodium.h>

#include <atomic>
#include <cstring>

#include "crypto/poly1305.hpp"

namespace sfcohort::crypto {
namespace {

std::atomic<bool> g_force_portable{false};

bool cpu_has_avx512() {
#if defined(__x86_64__) && defined(__GNUC__)
  // Checks the OS saves the ZMM registers (XCR0) as well as the CPUID bit.
  static const bool has = __builtin_cpu_supports("avx512f");
  return has;
#else
  return false;
#endif
}

bool use_avx512() { return cpu_has_avx512() && !g_force_portable.load(std::memory_order_relaxed); }

#if defined(__x86_64__) && defined(__GNUC__)
#define SF_AVX512 __attribute__((target("avx512f")))

uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // x86 is little-endian, as ChaCha20's words are
}

SF_AVX512 inline void quarter_round(__m512i& a, __m512i& b, __m512i& c, __m512i& d) {
  a = _mm512_add_epi32(a, b);
  d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 16);
  c = _mm512_add_epi32(c, d);
  b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 12);
  a = _mm512_add_epi32(a, b);
  d = _mm512_rol_epi32(_mm512_xor_si512(d, a), 8);
  c = _mm512_add_epi32(c, d);
  b = _mm512_rol_epi32(_mm512_xor_si512(b, c), 7);
}

// Sixteen keystream blocks for COUNTER .. COUNTER + 15, one per element of BLK.
SF_AVX512 void keystream16(__m512i blk[16], const __m512i in_state[16], uint32_t counter) {
  const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  __m512i s[16];
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) s[i] = in_state[i];
  s[12] = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(counter)), lanes);
  __m512i x[16];
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) x[i] = s[i];
  for (int r = 0; r < 10; ++r) {
    quarter_round(x[0], x[4], x[8], x[12]);
    quarter_round(x[1], x[5], x[9], x[13]);
    quarter_round(x[2], x[6], x[10], x[14]);
    quarter_round(x[3], x[7], x[11], x[15]);
    quarter_round(x[0], x[5], x[10], x[15]);
    quarter_round(x[1], x[6], x[11], x[12]);
    quarter_round(x[2], x[7], x[8], x[13]);
    quarter_round(x[3], x[4], x[9], x[14]);
  }
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) x[i] = _mm512_add_epi32(x[i], s[i]);

  // Transpose: pairs of words, then quads, within each 128-bit lane ...
  __m512i t[16];
#pragma GCC unroll 8
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_epi32(x[i], x[i + 1]);
    t[i + 1] = _mm512_unpackhi_epi32(x[i], x[i + 1]);
  }
  // u[g][b]: 128-bit lane L holds words 4g .. 4g+3 of block 4L + b.
  __m512i u[4][4];
#pragma GCC unroll 4
  for (int g = 0; g < 4; ++g) {
    const __m512i* q = t + 4 * g;
    u[g][0] = _mm512_unpacklo_epi64(q[0], q[2]);
    u[g][1] = _mm512_unpackhi_epi64(q[0], q[2]);
    u[g][2] = _mm512_unpacklo_epi64(q[1], q[3]);
    u[g][3] = _mm512_unpackhi_epi64(q[1], q[3]);
  }
  // ... then gather lane L of u[0..3][b] into block 4L + b.
#pragma GCC unroll 4
  for (int b = 0; b < 4; ++b) {
    __m512i lo01 = _mm512_shuffle_i32x4(u[0][b], u[1][b], _MM_SHUFFLE(1, 0, 1, 0));
    __m512i lo23 = _mm512_shuffle_i32x4(u[2][b], u[3][b], _MM_SHUFFLE(1, 0, 1, 0));
    __m512i hi01 = _mm512_shuffle_i32x4(u[0][b], u[1][b], _MM_SHUFFLE(3, 2, 3, 2));
    __m512i hi23 = _mm512_shuffle_i32x4(u[2][b], u[3][b], _MM_SHUFFLE(3, 2, 3, 2));
    blk[b] = _mm512_shuffle_i32x4(lo01, lo23, _MM_SHUFFLE(2, 0, 2, 0));
    blk[4 + b] = _mm512_shuffle_i32x4(lo01, lo23, _MM_SHUFFLE(3, 1, 3, 1));
    blk[8 + b] = _mm512_shuffle_i32x4(hi01, hi23, _MM_SHUFFLE(2, 0, 2, 0));
    blk[12 + b] = _mm512_shuffle_i32x4(hi01, hi23, _MM_SHUFFLE(3, 1, 3, 1));
  }
}

SF_AVX512 void xor_avx512(uint8_t* out, const uint8_t* in, size_t n, const uint8_t nonce[12],
                          uint32_t counter, const uint8_t key[32]) {
  __m512i state[16];
  state[0] = _mm512_set1_epi32(0x61707865);  // "expand 32-byte k"
  state[1] = _mm512_set1_epi32(0x3320646e);
  state[2] = _mm512_set1_epi32(0x79622d32);
  state[3] = _mm512_set1_epi32(0x6b206574);
  for (int i = 0; i < 8; ++i)
    state[4 + i] = _mm512_set1_epi32(static_cast<int>(load32(key + 4 * i)));
  state[12] = _mm512_setzero_si512();  // the block counter, set per batch
  for (int i = 0; i < 3; ++i) {
    state[13 + i] = _mm512_set1_epi32(static_cast<int>(load32(nonce + 4 * i)));
  }
  __m512i blk[16];
  for (; n >= 1024; n -= 1024, in += 1024, out += 1024, counter += 16) {
    keystream16(blk, state, counter);
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) {
      __m512i m = _mm512_loadu_si512(in + 64 * j);
      _mm512_storeu_si512(out + 64 * j, _mm512_xor_si512(m, blk[j]));
    }
  }
  if (n) {
    alignas(64) uint8_t ks[1024];
    keystream16(blk, state, counter);
    for (int j = 0; j < 16; ++j) _mm512_store_si512(ks + 64 * j, blk[j]);
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(in[i] ^ ks[i]);
    sodium_memzero(ks, sizeof ks);
  }
  sodium_memzero(state, sizeof state);
  sodium_memzero(blk, sizeof blk);
}
#endif

// Poly1305 over the AEAD's MAC input for CIPHERTEXT and an empty AAD:
// ciphertext, zero padding to 16 bytes, le64(0), le64(length).
void aead_tag(uint8_t tag[16], const uint8_t* ct, size_t n, const uint8_t nonce[12],
              const uint8_t key[32]) {
  uint8_t block0[64] = {0};
  crypto_stream_chacha20_ietf(block0, sizeof block0, nonce, key);  // block 0: the one-time key
  Poly1305 mac(block0);
  sodium_memzero(block0, sizeof block0);
  mac.blocks(ct, n / 16);
  uint8_t last[32] = {0};  // the padded end of the ciphertext, then the lengths
  size_t k = n % 16 ? 16 : 0;
  std::memcpy(last, ct + n - n % 16, n % 16);
  for (int i = 0; i < 8; ++i) last[k + 8 + i] = static_cast<uint8_t>(uint64_t{n} >> (8 * i));
  mac.blocks(last, k / 16 + 1);
  mac.finish(nullptr, 0, tag);
}

}  // namespace

void chacha20_xor(uint8_t* out, const uint8_t* in, size_t n, const uint8_t nonce[12],
                  uint32_t counter, const uint8_t key[32]) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (use_avx512()) return xor_avx512(out, in, n, nonce, counter, key);
#endif
  crypto_stream_chacha20_ietf_xor_ic(out, in, n, nonce, counter, key);
}

void aead_seal(uint8_t* out, const uint8_t* in, size_t n, const uint8_t nonce[12],
               const uint8_t key[32]) {
  chacha20_xor(out, in, n, nonce, 1, key);
  aead_tag(out + n, out, n, nonce, key);
}

bool aead_open(uint8_t* out, const uint8_t* in, size_t n, const uint8_t nonce[12],
               const uint8_t key[32]) {
  if (n < 16) return false;
  size_t len = n - 16;
  uint8_t tag[16];
  aead_tag(tag, in, len, nonce, key);
  if (crypto_verify_16(tag, in + len) != 0) return false;
  chacha20_xor(out, in, len, nonce, 1, key);
  return true;
}

const char* chacha20_implementation() { return use_avx512() ? "avx512" : "libsodium"; }

void chacha20_force_portable(bool on) { g_force_portable.store(on, std::memory_order_relaxed); }

}  // namespace sfcohort::crypto

// ChaCha20 and ChaCha20-Poly1305: the RFC 8439 keystream vector, and the
// AVX-512 and libsodium paths byte for byte against libsodium's own
// functions at every length around the 16-block batches.
#include <doctest/doctest.h>
#include <sodium.h>

#include <algorithm>
#include <string>
#include <vector>

#include "crypto/chacha20.hpp"
#include "crypto/poly1305.hpp"

using namespace sfcohort;

namespace {

std::vector<uint8_t> random_bytes_vec(size_t n) {
  std::vector<uint8_t> v(n);
  randombytes_buf(v.data(), n);
  return v;
}

// Runs BODY once with the CPU's own keystream code and once with libsodium's.
template <class F>
void both_paths(F body) {
  for (bool portable : {false, true}) {
    CAPTURE(portable);
    crypto::chacha20_force_portable(portable);
    body();
  }
  crypto::chacha20_force_portable(false);
}

}  // namespace

TEST_CASE("chacha20: RFC 8439 section 2.4.2") {
  REQUIRE(sodium_init() >= 0);
  uint8_t key[32], nonce[12] = {0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0};
  for (int i = 0; i < 32; ++i) key[i] = static_cast<uint8_t>(i);
  const std::string text =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  const uint8_t want[] = {
      0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69,
      0x81, 0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27, 0xaf, 0xcc, 0xfd, 0x9f,
      0xae, 0x0b, 0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab, 0x8f, 0x59, 0x3d, 0xab, 0xcd,
      0x62, 0xb3, 0x57, 0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab, 0x8f, 0x53, 0x0c, 0x35,
      0x9f, 0x08, 0x61, 0xd8, 0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d, 0x6a, 0x61, 0x56, 0xa3, 0x8e,
      0x08, 0x8a, 0x22, 0xb6, 0x5e, 0x52, 0xbc, 0x51, 0x4d, 0x16, 0xcc, 0xf8, 0x06, 0x81, 0x8c,
      0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36, 0x5a, 0xf9, 0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6, 0xb4,
      0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42, 0x87, 0x4d};
  REQUIRE(text.size() == sizeof want);
  both_paths([&] {
    std::vector<uint8_t> out(text.size());
    crypto::chacha20_xor(out.data(), reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                         nonce, 1, key);
    CHECK(std::vector<uint8_t>(want, want + sizeof want) == out);
  });
}

TEST_CASE("chacha20: the same keystream as libsodium at every batch boundary") {
  REQUIRE(sodium_init() >= 0);
  INFO("implementation: " << crypto::chacha20_implementation());
  auto in = random_bytes_vec(70000);
  auto key = random_bytes_vec(32);
  auto nonce = random_bytes_vec(12);
  std::vector<size_t> lengths = {0,    1,    15,   16,    63,    64,    65,
                                 127,  128,  960,  1023,  1024,  1025,  2047,
                                 2048, 2049, 4096, 65535, 65536, 65537, 70000};
  for (size_t n = 1; n < 3100; n += 37) lengths.push_back(n);
  both_paths([&] {
    for (uint32_t counter : {0u, 1u, 15u, 16u, 1000u, 0xfffffff0u}) {
      for (size_t n : lengths) {
        if (counter > 0xffffffffu - n / 64 - 1) continue;  // past the 32-bit block counter
        CAPTURE(counter);
        CAPTURE(n);
        std::vector<uint8_t> ours(n), theirs(n);
        crypto::chacha20_xor(ours.data(), in.data(), n, nonce.data(), counter, key.data());
        crypto_stream_chacha20_ietf_xor_ic(theirs.data(), in.data(), n, nonce.data(), counter,
                                           key.data());
        REQUIRE(ours == theirs);
        // In place gives the same.
        std::vector<uint8_t> inplace(in.begin(), in.begin() + static_cast<long>(n));
        crypto::chacha20_xor(inplace.data(), inplace.data(), n, nonce.data(), counter, key.data());
        REQUIRE(inplace == theirs);
      }
    }
  });
}

TEST_CASE("chacha20-poly1305: seals as libsodium does, opens only what verifies") {
  REQUIRE(sodium_init() >= 0);
  auto key = random_bytes_vec(32);
  auto nonce = random_bytes_vec(12);
  both_paths([&] {
    for (size_t n : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{1000},
                     size_t{1024}, size_t{65535}, size_t{65536}}) {
      CAPTURE(n);
      auto plain = random_bytes_vec(n);
      std::vector<uint8_t> ours(n + 16), theirs(n + 16);
      crypto::aead_seal(ours.data(), plain.data(), n, nonce.data(), key.data());
      unsigned long long clen = 0;
      crypto_aead_chacha20poly1305_ietf_encrypt(theirs.data(), &clen, plain.data(), n, nullptr, 0,
                                                nullptr, nonce.data(), key.data());
      REQUIRE(clen == n + 16);
      REQUIRE(ours == theirs);

      std::vector<uint8_t> back(n + 1, 0xAA);
      REQUIRE(crypto::aead_open(back.data(), ours.data(), ours.size(), nonce.data(), key.data()));
      CHECK(std::vector<uint8_t>(back.begin(), back.begin() + static_cast<long>(n)) == plain);
      CHECK(back[n] == 0xAA);

      // Any flipped bit, in the ciphertext or the tag, and nothing is written.
      for (size_t pos : {size_t{0}, n / 2, n, n + 15}) {
        if (pos >= ours.size()) continue;
        auto bad = ours;
        bad[pos] ^= 0x10;
        std::vector<uint8_t> untouched(n + 1, 0x55);
        CHECK_FALSE(
            crypto::aead_open(untouched.data(), bad.data(), bad.size(), nonce.data(), key.data()));
        CHECK(untouched == std::vector<uint8_t>(n + 1, 0x55));
      }
      auto other_nonce = nonce;
      other_nonce[11] ^= 1;
      CHECK_FALSE(
          crypto::aead_open(back.data(), ours.data(), ours.size(), other_nonce.data(), key.data()));
    }
    uint8_t tiny[15] = {0}, out[1];
    CHECK_FALSE(crypto::aead_open(out, tiny, sizeof tiny, nonce.data(), key.data()));
  });
}

namespace {

std::vector<uint8_t> poly1305_ours(const std::vector<uint8_t>& msg, const uint8_t key[32]) {
  crypto::Poly1305 mac(key);
  // In two calls, so that both the blocks and the running state are exercised.
  size_t blocks = msg.size() / 16, first = blocks / 3;
  mac.blocks(msg.data(), first);
  mac.blocks(msg.data() + 16 * first, blocks - first);
  std::vector<uint8_t> tag(16);
  mac.finish(msg.data() + 16 * blocks, msg.size() % 16, tag.data());
  return tag;
}

std::vector<uint8_t> poly1305_sodium(const std::vector<uint8_t>& msg, const uint8_t key[32]) {
  std::vector<uint8_t> tag(16);
  crypto_onetimeauth_poly1305(tag.data(), msg.data(), msg.size(), key);
  return tag;
}

template <class F>
void both_poly_paths(F body) {
  for (bool portable : {false, true}) {
    CAPTURE(portable);
    crypto::Poly1305::force_portable(portable);
    body();
  }
  crypto::Poly1305::force_portable(false);
}

}  // namespace

TEST_CASE("poly1305: RFC 8439 section 2.5.2") {
  const uint8_t key[32] = {0x85, 0xd6, 0xbe, 0x78, 0x57, 0x55, 0x6d, 0x33, 0x7f, 0x44, 0x52,
                           0xfe, 0x42, 0xd5, 0x06, 0xa8, 0x01, 0x03, 0x80, 0x8a, 0xfb, 0x0d,
                           0xb2, 0xfd, 0x4a, 0xbf, 0xf6, 0xaf, 0x41, 0x49, 0xf5, 0x1b};
  const std::string text = "Cryptographic Forum Research Group";
  const std::vector<uint8_t> want = {0xa8, 0x06, 0x1d, 0xc1, 0x30, 0x51, 0x36, 0xc6,
                                     0xc2, 0x2b, 0x8b, 0xaf, 0x0c, 0x01, 0x27, 0xa9};
  both_poly_paths(
      [&] { CHECK(poly1305_ours(std::vector<uint8_t>(text.begin(), text.end()), key) == want); });
}

TEST_CASE("poly1305: the same tags as libsodium, random and extreme") {
  REQUIRE(sodium_init() >= 0);
  INFO("implementation: " << crypto::Poly1305::implementation());
  std::vector<size_t> lengths = {0,   1,   15,  16,   17,   127,   128,   129,   255,  256,
                                 511, 512, 513, 1024, 4096, 65535, 65536, 65552, 70001};
  for (size_t n = 0; n < 1300; n += 23) lengths.push_back(n);
  both_poly_paths([&] {
    for (int round = 0; round < 6; ++round) {
      CAPTURE(round);
      auto key = random_bytes_vec(32);
      if (round == 1) std::fill(key.begin(), key.end(), 0xff);  // r and s at their largest
      if (round == 2) std::fill(key.begin(), key.begin() + 16, 0);
      for (size_t n : lengths) {
        CAPTURE(n);
        auto msg = random_bytes_vec(n);
        if (round == 1) std::fill(msg.begin(), msg.end(), 0xff);  // every carry taken
        if (round == 3) std::fill(msg.begin(), msg.end(), 0);
        REQUIRE(poly1305_ours(msg, key.data()) == poly1305_sodium(msg, key.data()));
      }
    }
  });
}

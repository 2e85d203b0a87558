// ChaCha20-Poly1305 (crypto::ChaCha20Poly1305, OpenSSL's libcrypto): the
// RFC 8439 keystream vector, and byte for byte libsodium's
// crypto_aead_chacha20poly1305_ietf_* at lengths around every block and
// batch size, with one context reused for many messages in both directions.
#include <doctest/doctest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "crypto/chacha20.hpp"

using namespace sfcohort;

namespace {

std::vector<uint8_t> random_bytes_vec(size_t n) {
  std::vector<uint8_t> v(n);
  randombytes_buf(v.data(), n);
  return v;
}

std::vector<uint8_t> sodium_seal(const std::vector<uint8_t>& plain, const uint8_t* nonce,
                                 const uint8_t* key) {
  std::vector<uint8_t> out(plain.size() + 16);
  unsigned long long len = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &len, plain.data(), plain.size(), nullptr,
                                            0, nullptr, nonce, key);
  REQUIRE(len == out.size());
  return out;
}

}  // namespace

TEST_CASE("chacha20-poly1305: RFC 8439 section 2.4.2 (the AEAD encrypts from block 1)") {
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
  const std::vector<uint8_t> plain(text.begin(), text.end());
  crypto::ChaCha20Poly1305 aead;
  std::vector<uint8_t> out(plain.size() + 16);
  REQUIRE(aead.seal(key, nonce, plain.data(), plain.size(), out.data()));
  CHECK(std::vector<uint8_t>(out.begin(), out.begin() + sizeof want) ==
        std::vector<uint8_t>(want, want + sizeof want));
  CHECK(out == sodium_seal(plain, nonce, key));
}

TEST_CASE("chacha20-poly1305: seals as libsodium does, opens only what verifies") {
  REQUIRE(sodium_init() >= 0);
  auto key = random_bytes_vec(32);
  auto nonce = random_bytes_vec(12);
  // Around the 16-byte Poly1305 block, the 64-byte ChaCha20 block, the
  // multi-block batches of vector code (4, 8 and 16 blocks), and age's chunk.
  std::vector<size_t> lengths = {0,    1,    15,   16,   17,   63,   64,    65,    127,   128,
                                 129,  255,  256,  257,  511,  512,  513,   1023,  1024,  1025,
                                 2047, 2048, 2049, 4096, 8191, 8192, 65535, 65536, 65537, 70001};
  for (size_t n = 2; n < 3100; n += 37) lengths.push_back(n);
  crypto::ChaCha20Poly1305 aead;  // one context for every message below
  for (size_t n : lengths) {
    CAPTURE(n);
    nonce[0] = static_cast<uint8_t>(n);
    auto plain = random_bytes_vec(n);
    std::vector<uint8_t> ours(n + 16);
    REQUIRE(aead.seal(key.data(), nonce.data(), plain.data(), n, ours.data()));
    REQUIRE(ours == sodium_seal(plain, nonce.data(), key.data()));

    std::vector<uint8_t> back(n + 1, 0xAA);
    auto ok = aead.open(key.data(), nonce.data(), ours.data(), ours.size(), back.data());
    REQUIRE(ok);
    REQUIRE(*ok);
    CHECK(std::vector<uint8_t>(back.begin(), back.begin() + static_cast<long>(n)) == plain);
    CHECK(back[n] == 0xAA);

    // Any flipped bit, in the ciphertext or the tag: false, and no
    // plaintext left behind.
    for (size_t pos : {size_t{0}, n / 2, n, n + 15}) {
      if (pos >= ours.size()) continue;
      auto bad = ours;
      bad[pos] ^= 0x10;
      std::vector<uint8_t> wiped(n + 1, 0x55);
      auto r = aead.open(key.data(), nonce.data(), bad.data(), bad.size(), wiped.data());
      REQUIRE(r);
      CHECK_FALSE(*r);
      CHECK(std::vector<uint8_t>(wiped.begin(), wiped.begin() + static_cast<long>(n)) ==
            std::vector<uint8_t>(n, 0));
      CHECK(wiped[n] == 0x55);
    }
    auto other_nonce = nonce;
    other_nonce[11] ^= 1;
    auto r = aead.open(key.data(), other_nonce.data(), ours.data(), ours.size(), back.data());
    REQUIRE(r);
    CHECK_FALSE(*r);
    auto other_key = key;
    other_key[31] ^= 1;
    r = aead.open(other_key.data(), nonce.data(), ours.data(), ours.size(), back.data());
    REQUIRE(r);
    CHECK_FALSE(*r);
  }
  uint8_t tiny[15] = {0}, out[1];
  auto r = aead.open(key.data(), nonce.data(), tiny, sizeof tiny, out);
  REQUIRE(r);
  CHECK_FALSE(*r);
}

TEST_CASE("chacha20-poly1305: opens what libsodium sealed; contexts are independent") {
  REQUIRE(sodium_init() >= 0);
  crypto::ChaCha20Poly1305 a, b;
  for (size_t n : {size_t{0}, size_t{100}, size_t{65536}}) {
    CAPTURE(n);
    auto key = random_bytes_vec(32);
    auto nonce = random_bytes_vec(12);
    auto plain = random_bytes_vec(n);
    const auto sealed = sodium_seal(plain, nonce.data(), key.data());
    std::vector<uint8_t> back(n);
    // A failed open on A leaves it as good as new, and B is unaffected.
    auto bad = sealed;
    bad.back() ^= 1;
    auto r = a.open(key.data(), nonce.data(), bad.data(), bad.size(), back.data());
    REQUIRE(r);
    CHECK_FALSE(*r);
    for (auto* ctx : {&a, &b}) {
      auto ok = ctx->open(key.data(), nonce.data(), sealed.data(), sealed.size(), back.data());
      REQUIRE(ok);
      CHECK(*ok);
      CHECK(back == plain);
    }
  }
}

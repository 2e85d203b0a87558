// minisign: key files, signatures, tampering; a fixed signature made by
// minisign 0.11 that must keep verifying; and the BLAKE2b-512 prehash
// (OpenSSL's libcrypto) against the RFC and libsodium.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "crypto/age_common.hpp"
#include "crypto/blake2b.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/minisign.hpp"

using namespace sfcohort;

namespace {

minisign::Hash64 prehash_of(std::string_view s) {
  minisign::Prehash h;
  h.update(s.data(), s.size());
  return h.finish();
}

// Made with: minisign -G -W; printf 'hello, partner\n' > m; minisign -S -s k -m m -t 'fixed'.
constexpr const char* kMinisignPub = "RWR83c1d0+UYVYeFai2AuZ90yklyqD1/kaQq4kSWAIAaEaVvq45S8s7m";
constexpr const char* kMinisignSig =
    "untrusted comment: signature from minisign secret key\n"
    "RUR83c1d0+UYVVpsIJ6IUqmYgJ88kfTFeOHt7r/0LVBTWHlDdPRsUEc1WbSM8ZqsydFnewYS6sH2eeYi0s/"
    "rHfT5S2aJ7Ra39Aw=\n"
    "trusted comment: fixed\n"
    "uYCCiVAe/STMp7p3UzzWPXBpVW9yXnIRrtIQZYm2vzLLuWaIaKAq3EkfxuK538IHOf7+535NN8Rjd74J22JhBw==\n";

}  // namespace

TEST_CASE("minisign: sign and verify, with tampering") {
  auto sk = minisign::SecretKey::generate();
  auto pk = sk.public_key();
  auto h = prehash_of("the file's bytes");
  std::string sig = sk.sign(h, "timestamp:1\tfile:x.age\thashed");
  auto tc = minisign::verify(pk, h, sig);
  REQUIRE(tc);
  CHECK(*tc == "timestamp:1\tfile:x.age\thashed");

  SUBCASE("another file") { CHECK_FALSE(minisign::verify(pk, prehash_of("other"), sig)); }
  SUBCASE("another key") {
    auto other = minisign::SecretKey::generate().public_key();
    auto r = minisign::verify(other, h, sig);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::kCrypto);
  }
  SUBCASE("an altered trusted comment") {
    std::string t = sig;
    t.replace(t.find("file:x.age"), 10, "file:y.age");
    auto r = minisign::verify(pk, h, t);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("trusted comment") != std::string::npos);
  }
  SUBCASE("every flipped byte of the signature file") {
    for (size_t i = 0; i < sig.size(); ++i) {
      std::string t = sig;
      if (t[i] == '\n') continue;
      t[i] = static_cast<char>(t[i] ^ 0x01);
      // The untrusted comment is, as its name says, not signed.
      if (i < sig.find('\n')) continue;
      CHECK_MESSAGE(!minisign::verify(pk, h, t), "byte " << i);
    }
  }
  SUBCASE("missing or truncated") {
    CHECK_FALSE(minisign::verify(pk, h, ""));
    CHECK_FALSE(minisign::verify(pk, h, sig.substr(0, sig.size() / 2)));
  }
}

TEST_CASE("minisign: key files round trip") {
  auto sk = minisign::SecretKey::generate();
  auto pub = sk.public_key();
  auto parsed = minisign::PublicKey::parse(pub.file_text());
  REQUIRE(parsed);
  CHECK(*parsed == pub);
  CHECK(pub.base64().size() == 56);
  CHECK(pub.base64().rfind("RW", 0) == 0);
  CHECK(minisign::PublicKey::parse(pub.base64()));
  CHECK_FALSE(minisign::PublicKey::parse("RWQ"));
  CHECK(pub.file_text().rfind("untrusted comment: minisign public key " + pub.key_id_hex() + "\n",
                              0) == 0);

  auto h = prehash_of("x");
  SUBCASE("unencrypted") {
    std::string text = sk.file_text(std::nullopt);
    CHECK(minisign::SecretKey::is_encrypted(text).value() == false);
    auto back = minisign::SecretKey::parse(text, std::nullopt);
    REQUIRE(back);
    CHECK(minisign::verify(pub, h, back->sign(h, "t")));
  }
  SUBCASE("encrypted (small scrypt limits for speed)") {
    std::string text = sk.file_text(std::string_view("pw"), 1 << 15, 1 << 24);
    CHECK(minisign::SecretKey::is_encrypted(text).value() == true);
    auto back = minisign::SecretKey::parse(text, std::string_view("pw"));
    REQUIRE(back);
    CHECK(minisign::verify(pub, h, back->sign(h, "t")));
    auto wrong = minisign::SecretKey::parse(text, std::string_view("nope"));
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == Errc::kCrypto);
    CHECK_FALSE(minisign::SecretKey::parse(text, std::nullopt));
  }
  SUBCASE("scrypt limits above minisign's are refused before any work") {
    std::string text = sk.file_text(std::string_view("pw"), 1 << 15, 1 << 24);
    const size_t nl = text.find('\n');
    const size_t end = text.find('\n', nl + 1);
    auto raw = crypto::b64_decode(text.substr(nl + 1, end - nl - 1), true);
    REQUIRE(raw);
    // opslimit at offset 38, memlimit at 46, little-endian.
    const std::pair<size_t, uint64_t> bad[] = {{38, 33554433}, {46, 1ULL << 40}, {46, ~0ULL}};
    for (const auto& [off, v] : bad) {
      std::string b = *raw;
      for (int i = 0; i < 8; ++i) b[off + i] = static_cast<char>((v >> (8 * i)) & 0xff);
      std::string patched =
          text.substr(0, nl + 1) +
          crypto::b64_encode(reinterpret_cast<const uint8_t*>(b.data()), b.size(), true) + "\n";
      auto r = minisign::SecretKey::parse(patched, std::string_view("pw"));
      REQUIRE_FALSE(r);
      CHECK(r.error().code == Errc::kInvalidInput);
      CHECK(r.error().message.find("scrypt limits above minisign's") != std::string::npos);
    }
  }
}

TEST_CASE("minisign: a signature made by minisign 0.11 verifies") {
  auto pk = minisign::PublicKey::parse(kMinisignPub);
  REQUIRE(pk);
  auto h = prehash_of("hello, partner\n");
  auto tc = minisign::verify(*pk, h, kMinisignSig);
  REQUIRE_MESSAGE(tc, (tc ? "" : tc.error().message));
  CHECK(*tc == "fixed");
  CHECK_FALSE(minisign::verify(*pk, prehash_of("hello, partner"), kMinisignSig));
}

TEST_CASE("minisign: legacy non-prehashed signatures are refused") {
  auto sk = minisign::SecretKey::generate();
  auto h = prehash_of("x");
  std::string sig = sk.sign(h, "t");
  // Turning "ED" into "Ed" in the base64 line: "RUQ" -> "RWQ".
  size_t line = sig.find('\n') + 1;
  REQUIRE(sig.substr(line, 2) == "RU");
  sig[line + 1] = 'W';
  auto r = minisign::verify(sk.public_key(), h, sig);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("legacy") != std::string::npos);
}

TEST_CASE("minisign: the BLAKE2b-512 prehash") {
  auto hex = [](const minisign::Hash64& h) { return to_hex(h.data(), h.size()); };
  // RFC 7693, appendix A.
  CHECK(hex(prehash_of("abc")) ==
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de45"
        "33cc9518d38aa8dbf1925ab92386edd4009923");
  CHECK(hex(prehash_of("")) ==
        "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee58531389644493"
        "4eb04b903a685b1448b755d56f701afe9be2ce");
  // Against libsodium: lengths around the 128-byte block, fed whole and in pieces.
  std::string data(3 * 65536 + 77, '\0');
  random_bytes(data.data(), data.size());
  for (size_t n : {size_t{1}, size_t{127}, size_t{128}, size_t{129}, size_t{255}, size_t{256},
                   size_t{257}, size_t{1000}, size_t{65536}, data.size()}) {
    CAPTURE(n);
    auto want = minisign::prehash_reference(data.data(), n);
    CHECK(prehash_of(std::string_view(data.data(), n)) == want);
    for (size_t step : {size_t{1}, size_t{7}, size_t{128}, size_t{129}, size_t{4096}}) {
      if (n > 5000 && step < 128) continue;
      minisign::Prehash h;
      for (size_t off = 0; off < n; off += step)
        h.update(data.data() + off, std::min(step, n - off));
      CHECK(h.finish() == want);
    }
  }
}

TEST_CASE("minisign: Blake2b512 (libcrypto) agrees with libsodium over many lengths and splits") {
  using minisign::detail::Blake2b512;
  std::vector<uint8_t> data(5 * 128 * 1024 + 3);
  random_bytes(data.data(), data.size());
  // Fed in steps of STEP bytes, with an empty update before each.
  auto digest = [&](size_t n, size_t step) {
    Blake2b512 h;
    for (size_t off = 0; off < n; off += step) {
      h.update(data.data() + off, 0);
      h.update(data.data() + off, std::min(step, n - off));
    }
    minisign::Hash64 out;
    REQUIRE(h.finish(out.data()));
    return out;
  };
  std::vector<size_t> lengths = {0,    1,     63,    64,    65,         127,        128,  129,
                                 255,  256,   257,   383,   384,        385,        1000, 4096,
                                 4097, 65535, 65536, 65537, 128 * 1024, data.size()};
  for (size_t n = 2; n < 1200; n += 41) lengths.push_back(n);
  for (size_t n : lengths) {
    CAPTURE(n);
    const auto want = minisign::prehash_reference(data.data(), n);
    for (size_t step : {size_t{1}, size_t{7}, size_t{64}, size_t{127}, size_t{128}, size_t{129},
                        size_t{1000}, size_t{1} << 20}) {
      if (n > 5000 && step < 64) continue;
      CAPTURE(step);
      CHECK(digest(n, step) == want);
    }
  }
  // Irregular splits: pieces of random length, in half the rounds all short.
  std::mt19937_64 rng(20261204);
  auto below = [&](size_t m) { return static_cast<size_t>(rng() % m); };
  for (int round = 0; round < 40; ++round) {
    CAPTURE(round);
    const size_t n = below(data.size());
    Blake2b512 h;
    for (size_t off = 0; off < n;) {
      const size_t k = std::min<size_t>(n - off, below(round % 2 ? 300 : 70000));
      h.update(data.data() + off, k);
      off += k;
    }
    minisign::Hash64 out;
    REQUIRE(h.finish(out.data()));
    CHECK(out == minisign::prehash_reference(data.data(), n));
  }
}

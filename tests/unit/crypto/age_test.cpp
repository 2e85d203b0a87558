// age v1: the C2SP/CCTV vectors, round trips, tampering and truncation.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "age_vectors.hpp"
#include "sfcohort/age.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"

using namespace sfcohort;

namespace {

using Vector = testing::AgeVector;
Vector load(const std::filesystem::path& p) { return testing::load_age_vector(p); }

std::string expect_of(age::Failure f) {
  switch (f) {
    case age::Failure::kNone:
      return "success";
    case age::Failure::kArmor:
      return "armor failure";
    case age::Failure::kHeader:
      return "header failure";
    case age::Failure::kNoMatch:
      return "no match";
    case age::Failure::kHmac:
      return "HMAC failure";
    case age::Failure::kPayload:
      return "payload failure";
    case age::Failure::kIo:
      return "i/o error";
  }
  return "?";
}

std::string sha256_hex(const std::string& s) {
  Sha256 h;
  h.update(s);
  return to_hex(h.finish());
}

std::string random_string(size_t n) {
  std::string s(n, '\0');
  random_bytes(s.data(), n);
  return s;
}

}  // namespace

TEST_CASE("age: every C2SP/CCTV vector gives its expected result") {
  // The 19 hybrid post-quantum vectors (an AGE-SECRET-KEY-PQ- identity,
  // ML-KEM-768) are skipped: libsodium 1.0.18 has no ML-KEM, and age 1.1.1 cannot read them
  // either. Everything else must match exactly, including the SHA-256 of
  // the plaintext released before a payload failure.
  std::vector<std::filesystem::path> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(SFCOHORT_TEST_DATA) + "/age-vectors")) {
    if (e.path().filename() != "README.md") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  int checked = 0, skipped = 0;
  for (const auto& p : files) {
    Vector v = load(p);
    bool pq = false;
    age::DecryptOptions opt;
    for (auto [it, end] = v.meta.equal_range("identity"); it != end; ++it) {
      if (it->second.rfind("AGE-SECRET-KEY-PQ-", 0) == 0) {
        pq = true;
        continue;
      }
      auto id = age::Identity::parse(it->second);
      REQUIRE_MESSAGE(id, v.name);
      opt.identities.push_back(*id);
    }
    if (pq) {
      ++skipped;
      continue;
    }
    for (auto [it, end] = v.meta.equal_range("passphrase"); it != end; ++it) {
      opt.passphrases.push_back(it->second);
    }
    age::StringSource in(v.file);
    age::StringSink out;
    age::Failure why = age::Failure::kNone;
    auto r = age::decrypt(in, out, opt, &why);
    const std::string want = v.meta.find("expect")->second;
    CHECK_MESSAGE(expect_of(why) == want, v.name << ": " << (r ? "ok" : r.error().message));
    CHECK_MESSAGE(r.has_value() == (want == "success"), v.name);
    if (!r) CHECK_MESSAGE(r.error().code == Errc::kCrypto, v.name);
    if (want == "success" || want == "payload failure") {
      CHECK_MESSAGE(sha256_hex(out.data) == v.meta.find("payload")->second, v.name);
    }
    ++checked;
  }
  CHECK(checked == 124);
  CHECK(skipped == 19);
}

TEST_CASE("age: bech32 keys") {
  auto id = age::Identity::parse(
      "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0");
  REQUIRE(id);
  CHECK(id->to_string() ==
        "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0");
  std::string r = id->recipient().to_string();
  CHECK(r.size() == 62);
  CHECK(r.rfind("age1", 0) == 0);
  auto back = age::Recipient::parse(r);
  REQUIRE(back);
  CHECK(*back == id->recipient());

  SUBCASE("bad recipients are refused") {
    std::string flipped = r;
    flipped[10] = flipped[10] == 'q' ? 'p' : 'q';
    CHECK_FALSE(age::Recipient::parse(flipped));
    std::string upper = r;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    CHECK_FALSE(age::Recipient::parse(upper));
    std::string mixed = r;
    mixed[5] = static_cast<char>(::toupper(mixed[5]));
    CHECK_FALSE(age::Recipient::parse(mixed));
    CHECK_FALSE(age::Recipient::parse(id->to_string()));
    CHECK_FALSE(age::Recipient::parse(""));
    CHECK_FALSE(age::Recipient::parse("age1"));
  }
  SUBCASE("identity files as age-keygen writes them, with CRLF and a BOM") {
    std::string file = age::format_identity_file(*id, "2026-01-01T00:00:00Z");
    CHECK(file.find("# public key: " + r + "\n") != std::string::npos);
    auto ids = age::parse_identity_file(file);
    REQUIRE(ids);
    CHECK(ids->size() == 1);
    std::string crlf = "\xEF\xBB\xBF# c\r\n\r\n" + id->to_string() + "\r\n";
    CHECK(age::parse_identity_file(crlf));
    CHECK_FALSE(age::parse_identity_file("# only a comment\n"));
    CHECK_FALSE(age::parse_identity_file("AGE-SECRET-KEY-1XYZ\n"));
  }
}

TEST_CASE("age: round trips at chunk boundaries, binary and armored") {
  auto a = age::Identity::generate();
  auto b = age::Identity::generate();
  for (size_t n : {size_t{0}, size_t{1}, size_t{65535}, size_t{65536}, size_t{65537},
                   size_t{3 * 65536}, size_t{200000}}) {
    for (bool armor : {false, true}) {
      CAPTURE(n);
      CAPTURE(armor);
      std::string plain = random_string(n);
      age::StringSource in(plain);
      age::StringSink sealed;
      age::EncryptOptions eo;
      eo.armor = armor;
      REQUIRE(age::encrypt(in, sealed, {a.recipient(), b.recipient()}, eo));
      if (!armor) {
        size_t chunks = n == 0 ? 1 : (n + 65535) / 65536;
        // Each extra X25519 stanza adds 98 header bytes to the 168 of one.
        CHECK(sealed.data.size() == 266 + 16 + n + 16 * chunks);
      } else {
        CHECK(sealed.data.rfind("-----BEGIN AGE ENCRYPTED FILE-----\n", 0) == 0);
      }
      for (const auto* id : {&a, &b}) {
        age::DecryptOptions opt;
        opt.identities.push_back(*id);
        age::StringSource sin(sealed.data);
        age::StringSink out;
        auto r = age::decrypt(sin, out, opt);
        REQUIRE_MESSAGE(r, (r ? "" : r.error().message));
        CHECK(out.data == plain);
      }
    }
  }
}

TEST_CASE("age: a one-recipient empty file is 200 bytes") {
  auto a = age::Identity::generate();
  age::StringSource in("");
  age::StringSink sealed;
  REQUIRE(age::encrypt(in, sealed, {a.recipient()}));
  CHECK(sealed.data.size() == 200);
}

TEST_CASE("age: passphrase files") {
  std::string plain = random_string(70000);
  age::StringSource in(plain);
  age::StringSink sealed;
  age::EncryptOptions eo;
  eo.scrypt_log_n = 10;
  REQUIRE(age::encrypt_passphrase(in, sealed, "correct horse", eo));
  CHECK(sealed.data.find("-> scrypt ") != std::string::npos);
  age::DecryptOptions opt;
  opt.passphrases = {"wrong", "correct horse"};
  age::StringSource sin(sealed.data);
  age::StringSink out;
  REQUIRE(age::decrypt(sin, out, opt));
  CHECK(out.data == plain);

  age::DecryptOptions bad;
  bad.passphrases = {"wrong"};
  age::StringSource sin2(sealed.data);
  age::StringSink out2;
  age::Failure why;
  CHECK_FALSE(age::decrypt(sin2, out2, bad, &why));
  CHECK(why == age::Failure::kNoMatch);

  age::StringSource empty_in("x");
  age::StringSink ignored;
  CHECK_FALSE(age::encrypt_passphrase(empty_in, ignored, ""));
}

TEST_CASE("age: every flipped byte and every truncation is refused") {
  auto a = age::Identity::generate();
  std::string plain = random_string(65536 + 100);
  age::StringSource in(plain);
  age::StringSink sealed;
  REQUIRE(age::encrypt(in, sealed, {a.recipient()}));
  const std::string& file = sealed.data;
  age::DecryptOptions opt;
  opt.identities.push_back(a);
  auto try_open = [&](const std::string& data) {
    age::StringSource s(data);
    age::StringSink out;
    return age::decrypt(s, out, opt);
  };
  REQUIRE(try_open(file));
  // Every byte of the header and nonce, then a sample through the payload.
  std::vector<size_t> positions;
  for (size_t i = 0; i < 200; ++i) positions.push_back(i);
  for (size_t i = 200; i < file.size(); i += 997) positions.push_back(i);
  positions.push_back(file.size() - 1);
  for (size_t i : positions) {
    std::string t = file;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    auto r = try_open(t);
    CHECK_MESSAGE(!r, "flipped byte " << i);
    if (!r) CHECK(r.error().code == Errc::kCrypto);
  }
  for (size_t len : {size_t{0}, size_t{10}, size_t{100}, size_t{183}, size_t{184}, size_t{200},
                     size_t{184 + 65552}, size_t{184 + 65553}, file.size() - 1}) {
    auto r = try_open(file.substr(0, len));
    CHECK_MESSAGE(!r, "truncated to " << len);
  }
  CHECK_FALSE(try_open(file + "x"));
  auto other = age::Identity::generate();
  age::DecryptOptions wrong;
  wrong.identities.push_back(other);
  age::StringSource s(file);
  age::StringSink out;
  age::Failure why;
  CHECK_FALSE(age::decrypt(s, out, wrong, &why));
  CHECK(why == age::Failure::kNoMatch);
  CHECK(out.data.empty());
}

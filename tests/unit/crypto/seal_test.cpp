// Sealed files in-process: seal then open, the signature checked against the
// right key, and every failure leaving no output file.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/seal.hpp"

using namespace sfcohort;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = std::filesystem::temp_directory_path().string() + "/sfseal-XXXXXX";
    REQUIRE(mkdtemp(t.data()));
    path = t;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("seal: round trip, signature and refusals") {
  TempDir dir;
  auto team = age::Identity::generate();
  auto signer = minisign::SecretKey::generate();
  std::string plain(200000, '\0');
  random_bytes(plain.data(), plain.size());
  const std::string sealed_path = dir.path + "/f.age";
  age::StringSource in(plain);
  auto s = seal::seal(in, sealed_path, {team.recipient()}, signer);
  REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
  CHECK(s->plaintext_bytes == plain.size());
  CHECK(file_exists(sealed_path + ".minisig"));
  auto pre = minisign::prehash_file(sealed_path);
  REQUIRE(pre);
  CHECK(s->blake2b == to_hex(pre->data(), pre->size()));

  seal::OpenOptions opt;
  opt.decrypt.identities.push_back(team);
  opt.signers.push_back(minisign::SecretKey::generate().public_key());
  opt.signers.push_back(signer.public_key());
  const std::string out = dir.path + "/out";

  SUBCASE("opens, naming the signer") {
    auto o = seal::open_file(sealed_path, out, opt);
    REQUIRE_MESSAGE(o, (o ? "" : o.error().message));
    CHECK(o->verified);
    CHECK(o->signer == std::optional<size_t>(1));
    CHECK(o->blake2b == s->blake2b);
    CHECK(read_file(out).value() == plain);
  }
  SUBCASE("an unknown signer") {
    opt.signers.pop_back();
    auto o = seal::open_file(sealed_path, out, opt);
    REQUIRE_FALSE(o);
    CHECK(o.error().code == Errc::kCrypto);
    CHECK_FALSE(file_exists(out));
  }
  SUBCASE("the audit hook runs before the rename, and its failure leaves nothing") {
    auto o = seal::open_file(sealed_path, out, opt, [&](const seal::Opened&) -> Status {
      CHECK_FALSE(file_exists(out));
      return environment_error("audit failed");
    });
    REQUIRE_FALSE(o);
    CHECK_FALSE(file_exists(out));
  }
  SUBCASE("a flipped byte in the payload, re-signed") {
    std::string data = read_file(sealed_path).value();
    data[data.size() / 2] ^= 0x40;
    REQUIRE(write_file_atomic(sealed_path, data));
    auto h = minisign::prehash_file(sealed_path);
    REQUIRE(write_file_atomic(sealed_path + ".minisig", signer.sign(*h, "t")));
    auto o = seal::open_file(sealed_path, out, opt);
    REQUIRE_FALSE(o);
    CHECK(o.error().message.find("payload failure") != std::string::npos);
    CHECK_FALSE(file_exists(out));
  }
  SUBCASE("a flipped byte, original signature") {
    std::string data = read_file(sealed_path).value();
    data[100] ^= 0x01;
    REQUIRE(write_file_atomic(sealed_path, data));
    CHECK_FALSE(seal::open_file(sealed_path, out, opt));
    CHECK_FALSE(file_exists(out));
  }
  SUBCASE("no signature") {
    std::filesystem::remove(sealed_path + ".minisig");
    auto o = seal::open_file(sealed_path, out, opt);
    REQUIRE_FALSE(o);
    CHECK(o.error().message.find("no signature") != std::string::npos);
    opt.verify = false;
    auto o2 = seal::open_file(sealed_path, out, opt);
    REQUIRE(o2);
    CHECK_FALSE(o2->verified);
  }
  SUBCASE("to a temporary file, removed afterwards") {
    std::string tmp;
    {
      auto r = seal::open_to_temp(sealed_path, opt);
      REQUIRE(r);
      tmp = r->first.path();
      CHECK(read_file(tmp).value() == plain);
    }
    CHECK_FALSE(file_exists(tmp));
  }
}

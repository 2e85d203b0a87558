// The pipelined age encrypt and decrypt (crypto/age_pipeline.hpp) against
// the one-thread code: the same files, the same failures with the same
// messages, the same plaintext released before a failure, and the observer
// seeing exactly the bytes of the age file. Small batches and rings make
// every boundary (final chunk at a batch edge, a full ring) come up with
// small files.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>

#include "age_vectors.hpp"
#include "crypto/age_pipeline.hpp"
#include "sfcohort/age.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"

using namespace sfcohort;

namespace {

constexpr size_t kChunk = 65536;

std::string random_string(size_t n) {
  std::string s(n, '\0');
  random_bytes(s.data(), n);
  return s;
}

std::string sha256_hex(const std::string& s) {
  Sha256 h;
  h.update(s);
  return to_hex(h.finish());
}

// The shapes of pipeline the tests run: one thread and several, batches of
// one chunk and more, the smallest ring.
std::vector<age::PipelineOptions> shapes() {
  std::vector<age::PipelineOptions> out;
  for (unsigned threads : {1u, 2u, 3u}) {
    for (size_t chunks : {size_t{1}, size_t{2}, size_t{3}}) {
      for (size_t batches : {size_t{2}, size_t{5}}) {
        age::PipelineOptions p;
        p.threads = threads;
        p.batch_chunks = chunks;
        p.batches = batches;
        out.push_back(p);
      }
    }
  }
  out.push_back({});  // the defaults
  return out;
}

// Returns at most MAX bytes per read, to exercise the read loops.
class TrickleSource : public age::Source {
 public:
  TrickleSource(std::string_view s, size_t max) : s_(s), max_(max) {}
  Result<size_t> read(void* buf, size_t n) override {
    size_t k = std::min({n, max_, s_.size()});
    std::memcpy(buf, s_.data(), k);
    s_.remove_prefix(k);
    return k;
  }

 private:
  std::string_view s_;
  size_t max_;
};

// Fails once READ_LIMIT bytes were read.
class FailingSource : public age::Source {
 public:
  FailingSource(std::string_view s, size_t limit) : s_(s), limit_(limit) {}
  Result<size_t> read(void* buf, size_t n) override {
    if (done_ >= limit_) return environment_error("disk on fire");
    size_t k = std::min({n, s_.size(), limit_ - done_});
    std::memcpy(buf, s_.data(), k);
    s_.remove_prefix(k);
    done_ += k;
    return k;
  }

 private:
  std::string_view s_;
  size_t limit_, done_ = 0;
};

// Refuses writes once LIMIT bytes were written.
class FullSink : public age::Sink {
 public:
  explicit FullSink(size_t limit) : limit_(limit) {}
  Status write(const void*, size_t n) override {
    if (written + n > limit_) return environment_error("the disk is full");
    written += n;
    return Ok{};
  }
  size_t written = 0;

 private:
  size_t limit_;
};

struct Observed {
  std::string bytes;
  age::Observer observer() {
    return
        [this](const uint8_t* p, size_t n) { bytes.append(reinterpret_cast<const char*>(p), n); };
  }
};

struct Outcome {
  bool ok = false;
  std::string message;
  age::Failure why = age::Failure::kNone;
  std::string released;
};

Outcome decrypt_seq(const std::string& file, const age::DecryptOptions& opt) {
  age::StringSource in(file);
  age::StringSink out;
  Outcome o;
  auto r = age::decrypt(in, out, opt, &o.why);
  o.ok = r.has_value();
  if (!r) o.message = r.error().message;
  o.released = out.data;
  return o;
}

Outcome decrypt_par(const std::string& file, const age::DecryptOptions& opt,
                    const age::PipelineOptions& p, Observed* seen = nullptr) {
  age::StringSource in(file);
  age::StringSink out;
  Outcome o;
  Observed local;
  if (!seen) seen = &local;
  auto r = age::decrypt_pipelined(in, out, opt, seen->observer(), &o.why, p);
  o.ok = r.has_value();
  if (!r) o.message = r.error().message;
  o.released = out.data;
  return o;
}

}  // namespace

TEST_CASE("pipeline: encrypts what decrypt() opens, at every batch boundary") {
  auto a = age::Identity::generate();
  age::DecryptOptions opt;
  opt.identities.push_back(a);
  for (const auto& p : shapes()) {
    CAPTURE(p.threads);
    CAPTURE(p.batch_chunks);
    CAPTURE(p.batches);
    std::vector<size_t> sizes = {0, 1, kChunk - 1, kChunk, kChunk + 1};
    for (size_t c : {p.batch_chunks, 2 * p.batch_chunks, 2 * p.batch_chunks + 1}) {
      for (size_t d : {size_t{0}, size_t{1}}) sizes.push_back(c * kChunk + d);
      sizes.push_back(c * kChunk - 1);
    }
    for (size_t n : sizes) {
      CAPTURE(n);
      std::string plain = random_string(n);
      age::StringSource in(plain);
      age::StringSink sealed;
      Observed seen;
      REQUIRE(age::encrypt_pipelined(in, sealed, {a.recipient()}, {}, seen.observer(), p));
      size_t chunks = n == 0 ? 1 : (n + kChunk - 1) / kChunk;
      CHECK(sealed.data.size() == 168 + 16 + n + 16 * chunks);
      CHECK(seen.bytes == sealed.data);
      Outcome o = decrypt_seq(sealed.data, opt);
      REQUIRE_MESSAGE(o.ok, o.message);
      CHECK(o.released == plain);
    }
  }
}

TEST_CASE("pipeline: decrypts what encrypt() writes, observing the whole file") {
  auto a = age::Identity::generate();
  age::DecryptOptions opt;
  opt.identities.push_back(a);
  for (size_t n :
       {size_t{0}, size_t{1}, kChunk - 1, kChunk, kChunk + 1, 3 * kChunk, 5 * kChunk + 7}) {
    CAPTURE(n);
    std::string plain = random_string(n);
    age::StringSource in(plain);
    age::StringSink sealed;
    REQUIRE(age::encrypt(in, sealed, {a.recipient()}));
    for (const auto& p : shapes()) {
      CAPTURE(p.threads);
      CAPTURE(p.batch_chunks);
      CAPTURE(p.batches);
      Observed seen;
      Outcome o = decrypt_par(sealed.data, opt, p, &seen);
      REQUIRE_MESSAGE(o.ok, o.message);
      CHECK(o.released == plain);
      CHECK(seen.bytes == sealed.data);
    }
    // Reads of a few bytes at a time, through the header and the payload.
    for (size_t max : {size_t{1}, size_t{7}, size_t{4096}}) {
      TrickleSource trickle(sealed.data, max);
      age::StringSink out;
      Observed seen;
      age::PipelineOptions p;
      p.batch_chunks = 2;
      REQUIRE(age::decrypt_pipelined(trickle, out, opt, seen.observer(), nullptr, p));
      CHECK(out.data == plain);
      CHECK(seen.bytes == sealed.data);
    }
    TrickleSource trickle(plain, 1000);
    age::StringSink sealed2;
    REQUIRE(age::encrypt_pipelined(trickle, sealed2, {a.recipient()}, {}, {}));
    CHECK(decrypt_seq(sealed2.data, opt).released == plain);
  }
}

TEST_CASE("pipeline: armored files go through the one-thread code") {
  auto a = age::Identity::generate();
  age::DecryptOptions opt;
  opt.identities.push_back(a);
  std::string plain = random_string(3 * kChunk + 5);
  age::StringSource in(plain);
  age::StringSink sealed;
  Observed seen;
  age::EncryptOptions eo;
  eo.armor = true;
  REQUIRE(age::encrypt_pipelined(in, sealed, {a.recipient()}, eo, seen.observer()));
  CHECK(sealed.data.rfind("-----BEGIN AGE ENCRYPTED FILE-----\n", 0) == 0);
  CHECK(seen.bytes == sealed.data);
  Observed seen2;
  Outcome o = decrypt_par(sealed.data, opt, {}, &seen2);
  REQUIRE_MESSAGE(o.ok, o.message);
  CHECK(o.released == plain);
  CHECK(seen2.bytes == sealed.data);
}

TEST_CASE("pipeline: every C2SP/CCTV vector gives decrypt()'s result") {
  std::vector<std::filesystem::path> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(SFCOHORT_TEST_DATA) + "/age-vectors")) {
    if (e.path().filename() != "README.md") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  int checked = 0;
  for (const auto& path : files) {
    testing::AgeVector v = testing::load_age_vector(path);
    const std::multimap<std::string, std::string>& meta = v.meta;
    const std::string& file = v.file;
    age::DecryptOptions opt;
    bool pq = false;
    for (auto [it, end] = meta.equal_range("identity"); it != end; ++it) {
      if (it->second.rfind("AGE-SECRET-KEY-PQ-", 0) == 0) {
        pq = true;
        continue;
      }
      opt.identities.push_back(*age::Identity::parse(it->second));
    }
    if (pq) continue;
    for (auto [it, end] = meta.equal_range("passphrase"); it != end; ++it) {
      opt.passphrases.push_back(it->second);
    }
    const std::string name = path.filename().string();
    Outcome want = decrypt_seq(file, opt);
    for (size_t chunks : {size_t{1}, size_t{16}}) {
      age::PipelineOptions p;
      p.threads = 2;
      p.batch_chunks = chunks;
      Outcome got = decrypt_par(file, opt, p);
      CHECK_MESSAGE(got.ok == want.ok, name);
      CHECK_MESSAGE(got.why == want.why, name);
      CHECK_MESSAGE(got.message == want.message, name);
      CHECK_MESSAGE(sha256_hex(got.released) == sha256_hex(want.released), name);
      if (want.ok || meta.find("expect")->second == "payload failure") {
        CHECK_MESSAGE(sha256_hex(got.released) == meta.find("payload")->second, name);
      }
    }
    ++checked;
  }
  CHECK(checked == 124);
}

TEST_CASE("pipeline: every flipped byte and truncation fails as decrypt() fails") {
  auto a = age::Identity::generate();
  age::DecryptOptions opt;
  opt.identities.push_back(a);
  std::string plain = random_string(4 * kChunk + 100);
  age::StringSource in(plain);
  age::StringSink sealed;
  REQUIRE(age::encrypt(in, sealed, {a.recipient()}));
  const std::string& file = sealed.data;
  const size_t payload = 184;  // header and nonce of one recipient
  std::vector<std::string> variants;
  for (size_t i : {size_t{0}, size_t{50}, size_t{170}, size_t{183}, payload, payload + 1000,
                   payload + kChunk + 15, payload + kChunk + 16, payload + 2 * (kChunk + 16) + 3,
                   file.size() - 17, file.size() - 1}) {
    std::string t = file;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    variants.push_back(t);
  }
  for (size_t len : {size_t{0}, size_t{10}, size_t{183}, payload, payload + 10, payload + 16,
                     payload + kChunk + 16, payload + kChunk + 17, payload + 2 * (kChunk + 16),
                     payload + 4 * (kChunk + 16), file.size() - 1}) {
    variants.push_back(file.substr(0, len));
  }
  variants.push_back(file + "x");
  variants.push_back(file + file.substr(payload));
  // A full final chunk followed by an empty one, and two final chunks.
  {
    std::string exact = random_string(2 * kChunk);
    age::StringSource ein(exact);
    age::StringSink esealed;
    REQUIRE(age::encrypt(ein, esealed, {a.recipient()}));
    variants.push_back(esealed.data + esealed.data.substr(esealed.data.size() - 16));
    variants.push_back(esealed.data.substr(0, esealed.data.size() - (kChunk + 16)));
  }
  for (size_t v = 0; v < variants.size(); ++v) {
    CAPTURE(v);
    Outcome want = decrypt_seq(variants[v], opt);
    for (size_t chunks : {size_t{1}, size_t{2}, size_t{16}}) {
      CAPTURE(chunks);
      age::PipelineOptions p;
      p.threads = 2;
      p.batch_chunks = chunks;
      p.batches = 3;
      Outcome got = decrypt_par(variants[v], opt, p);
      CHECK(got.ok == want.ok);
      CHECK(got.why == want.why);
      CHECK(got.message == want.message);
      CHECK(got.released == want.released);
    }
  }
}

TEST_CASE("pipeline: read and write errors stop it and are returned") {
  auto a = age::Identity::generate();
  age::DecryptOptions opt;
  opt.identities.push_back(a);
  std::string plain = random_string(10 * kChunk);
  age::StringSource in(plain);
  age::StringSink sealed;
  REQUIRE(age::encrypt(in, sealed, {a.recipient()}));
  for (unsigned threads : {1u, 2u}) {
    CAPTURE(threads);
    age::PipelineOptions p;
    p.threads = threads;
    p.batch_chunks = 2;
    p.batches = 2;
    {
      FailingSource src(plain, 3 * kChunk + 5);
      age::StringSink out;
      auto r = age::encrypt_pipelined(src, out, {a.recipient()}, {}, {}, p);
      REQUIRE_FALSE(r);
      CHECK(r.error().message == "disk on fire");
    }
    {
      age::StringSource src(plain);
      FullSink out(2 * kChunk);
      auto r = age::encrypt_pipelined(src, out, {a.recipient()}, {}, {}, p);
      REQUIRE_FALSE(r);
      CHECK(r.error().message == "the disk is full");
    }
    {
      FailingSource src(sealed.data, 5 * kChunk);
      age::StringSink out;
      age::Failure why;
      auto r = age::decrypt_pipelined(src, out, opt, {}, &why, p);
      REQUIRE_FALSE(r);
      CHECK(r.error().message == "disk on fire");
      CHECK(why == age::Failure::kIo);
    }
    {
      age::StringSource src(sealed.data);
      FullSink out(3 * kChunk);
      age::Failure why;
      auto r = age::decrypt_pipelined(src, out, opt, {}, &why, p);
      REQUIRE_FALSE(r);
      CHECK(r.error().code == Errc::kEnvironment);
      CHECK(why == age::Failure::kIo);
    }
  }
}

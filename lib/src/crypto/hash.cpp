#include <sodium.h>

#include <cstdio>
#include <stdexcept>

#include "crypto/age_common.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"

namespace sfcohort {
using crypto::ensure_sodium;

struct Sha256::State {
  crypto_hash_sha256_state st;
};

Sha256::Sha256() : st_(std::make_unique<State>()) {
  ensure_sodium();
  crypto_hash_sha256_init(&st_->st);
}
Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) {
  crypto_hash_sha256_update(&st_->st, reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
}

Digest32 Sha256::finish() {
  Digest32 d;
  crypto_hash_sha256_final(&st_->st, d.data());
  return d;
}

Digest32 sha256(std::string_view a, std::string_view b) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(a.data()), a.size());
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(b.data()), b.size());
  Digest32 d;
  crypto_hash_sha256_final(&st, d.data());
  return d;
}

Digest32 hmac_sha256(std::string_view key, std::string_view data) {
  ensure_sodium();
  static const unsigned char kEmpty[1] = {0};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(
      &st, key.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  Digest32 d;
  crypto_auth_hmacsha256_final(&st, d.data());
  sodium_memzero(&st, sizeof st);
  return d;
}

Result<Digest32> sha256_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return errno_error(path, "cannot read");
  Sha256 h;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) h.update(std::string_view(buf, n));
  bool bad = std::ferror(f);
  std::fclose(f);
  if (bad) return errno_error(path, "cannot read");
  return h.finish();
}

std::string to_hex(const uint8_t* p, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = kHex[p[i] >> 4];
    s[2 * i + 1] = kHex[p[i] & 15];
  }
  return s;
}

void random_bytes(void* buf, size_t n) {
  ensure_sodium();
  randombytes_buf(buf, n);
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64_encode(std::string_view data) {
  return crypto::b64_encode(reinterpret_cast<const uint8_t*>(data.data()), data.size(), true);
}

std::optional<std::string> base64_decode(std::string_view text) {
  return crypto::b64_decode(text, true);
}

}  // namespace sfcohort

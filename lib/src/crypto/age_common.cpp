#include "crypto/age_common.hpp"

#include <sodium.h>

#include <stdexcept>

namespace sfcohort::crypto {

void ensure_sodium() {
  static const int rc = sodium_init();
  if (rc < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string b64_encode(const uint8_t* p, size_t n, bool padded) {
  int variant = padded ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  std::string out(sodium_base64_encoded_len(n, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> b64_decode(std::string_view s, bool padded) {
  int variant = padded ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  std::string out(s.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  // libsodium stops at the first character it cannot use and still returns
  // 0 (e.g. "AA==" in the unpadded variant): only the end pointer tells.
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s.data(),
                        s.size(), nullptr, &len, &end, variant) != 0 ||
      end != s.data() + s.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

void hkdf_sha256_32(uint8_t out[32], const uint8_t* ikm, size_t ikm_len, const uint8_t* salt,
                    size_t salt_len, std::string_view info) {
  static const uint8_t kEmpty[1] = {0};  // the key pointer must not be null
  uint8_t prk[32];
  const uint8_t one = 0x01;
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, salt_len ? salt : kEmpty, salt_len);
  crypto_auth_hmacsha256_update(&st, ikm, ikm_len);
  crypto_auth_hmacsha256_final(&st, prk);
  crypto_auth_hmacsha256_init(&st, prk, sizeof prk);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const uint8_t*>(info.data()), info.size());
  crypto_auth_hmacsha256_update(&st, &one, 1);
  crypto_auth_hmacsha256_final(&st, out);
  sodium_memzero(prk, sizeof prk);
  sodium_memzero(&st, sizeof st);
}

Wipe::~Wipe() {
  for (auto& [p, n] : bufs_) sodium_memzero(p, n);
}

}  // namespace sfcohort::crypto

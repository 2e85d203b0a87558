// Fetching an algorithm looks it up in the provider's tables and takes
// locks, so it is done once; the contexts that use it (crypto/chacha20.cpp,
// crypto/blake2b.cpp) are then set up without a lookup. The fetched objects
// are never freed: libcrypto's own exit handler tears down the providers,
// and freeing after it would crash.
#include "crypto/libcrypto.hpp"

#include <openssl/err.h>

#include <string>

namespace sfcohort::crypto {

const EVP_CIPHER* chacha20_poly1305_cipher() {
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  return cipher;
}

const EVP_MD* blake2b512_md() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "BLAKE2B-512", nullptr);
  return md;
}

Error libcrypto_error(std::string_view what) {
  std::string m = "libcrypto: " + std::string(what) + " failed";
  std::string reasons;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    reasons += reasons.empty() ? " (" : "; ";
    reasons += buf;
  }
  if (!reasons.empty()) m += reasons + ")";
  return internal_error(m);
}

}  // namespace sfcohort::crypto

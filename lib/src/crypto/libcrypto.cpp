// Fetching an algorithm looks it up in the provider's tables and takes
// locks, so it is done once; the contexts that use it (crypto/chacha20.cpp,
// crypto/blake2b.cpp) are then set up without a lookup. The fetched objects
// are never freed, nor is libcrypto unloaded: libcrypto's own exit handler
// tears down the providers, and freeing after it would crash.
#include "crypto/libcrypto.hpp"

#include <dlfcn.h>

#include <string>

namespace sfcohort::crypto {
namespace {

// The soname of the libcrypto whose headers this is built with.
static_assert(OPENSSL_VERSION_MAJOR == 3, "kSoname is OpenSSL 3's");
constexpr const char* kSoname = "libcrypto.so.3";

template <typename F>
bool bind(void* lib, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(lib, name));
  return out != nullptr;
}

const Libcrypto* load() {
  void* lib = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return nullptr;
  static Libcrypto f;
  const bool ok = bind(lib, "EVP_CIPHER_fetch", f.EVP_CIPHER_fetch) &&
                  bind(lib, "EVP_CIPHER_CTX_new", f.EVP_CIPHER_CTX_new) &&
                  bind(lib, "EVP_CIPHER_CTX_free", f.EVP_CIPHER_CTX_free) &&
                  bind(lib, "EVP_CIPHER_CTX_ctrl", f.EVP_CIPHER_CTX_ctrl) &&
                  bind(lib, "EVP_CipherInit_ex2", f.EVP_CipherInit_ex2) &&
                  bind(lib, "EVP_CipherUpdate", f.EVP_CipherUpdate) &&
                  bind(lib, "EVP_EncryptFinal_ex", f.EVP_EncryptFinal_ex) &&
                  bind(lib, "EVP_DecryptFinal_ex", f.EVP_DecryptFinal_ex) &&
                  bind(lib, "EVP_MD_fetch", f.EVP_MD_fetch) &&
                  bind(lib, "EVP_MD_CTX_new", f.EVP_MD_CTX_new) &&
                  bind(lib, "EVP_MD_CTX_free", f.EVP_MD_CTX_free) &&
                  bind(lib, "EVP_DigestInit_ex2", f.EVP_DigestInit_ex2) &&
                  bind(lib, "EVP_DigestUpdate", f.EVP_DigestUpdate) &&
                  bind(lib, "EVP_DigestFinal_ex", f.EVP_DigestFinal_ex) &&
                  bind(lib, "ERR_get_error", f.ERR_get_error) &&
                  bind(lib, "ERR_peek_error", f.ERR_peek_error) &&
                  bind(lib, "ERR_clear_error", f.ERR_clear_error) &&
                  bind(lib, "ERR_error_string_n", f.ERR_error_string_n);
  return ok ? &f : nullptr;
}

}  // namespace

const Libcrypto* libcrypto() {
  static const Libcrypto* const lc = load();
  return lc;
}

const EVP_CIPHER* chacha20_poly1305_cipher() {
  static const EVP_CIPHER* const cipher =
      libcrypto() ? libcrypto()->EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr) : nullptr;
  return cipher;
}

const EVP_MD* blake2b512_md() {
  static const EVP_MD* const md =
      libcrypto() ? libcrypto()->EVP_MD_fetch(nullptr, "BLAKE2B-512", nullptr) : nullptr;
  return md;
}

Error libcrypto_error(std::string_view what) {
  std::string m = "libcrypto: " + std::string(what) + " failed";
  const Libcrypto* lc = libcrypto();
  if (!lc) return internal_error(m + " (" + kSoname + " could not be loaded)");
  std::string reasons;
  while (unsigned long e = lc->ERR_get_error()) {
    char buf[256];
    lc->ERR_error_string_n(e, buf, sizeof buf);
    reasons += reasons.empty() ? " (" : "; ";
    reasons += buf;
  }
  if (!reasons.empty()) m += reasons + ")";
  return internal_error(m);
}

}  // namespace sfcohort::crypto

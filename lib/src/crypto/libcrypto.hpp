// What crypto/ takes from OpenSSL's libcrypto: the ChaCha20-Poly1305 cipher
// and the BLAKE2b-512 digest, fetched once from its default provider, and
// its failures as errors. Included only by crypto/'s .cpp files; the headers
// of crypto/ forward-declare the few OpenSSL types they name.
//
// libcrypto is loaded on first use (dlopen), not by the dynamic linker at
// start-up: its ~17,000 relocations and ~120 page faults would otherwise be
// paid by every command, a single lookup (which never seals) most of all.
// The calls go through the table below; nothing else in the program refers
// to a libcrypto symbol, so the build does not link it.
#pragma once

#include <openssl/err.h>
#include <openssl/evp.h>

#include <string_view>

#include "sfcohort/result.hpp"

namespace sfcohort::crypto {

// The libcrypto functions crypto/ calls, named as in OpenSSL.
struct Libcrypto {
  decltype(&::EVP_CIPHER_fetch) EVP_CIPHER_fetch;
  decltype(&::EVP_CIPHER_CTX_new) EVP_CIPHER_CTX_new;
  decltype(&::EVP_CIPHER_CTX_free) EVP_CIPHER_CTX_free;
  decltype(&::EVP_CIPHER_CTX_ctrl) EVP_CIPHER_CTX_ctrl;
  decltype(&::EVP_CipherInit_ex2) EVP_CipherInit_ex2;
  decltype(&::EVP_CipherUpdate) EVP_CipherUpdate;
  decltype(&::EVP_EncryptFinal_ex) EVP_EncryptFinal_ex;
  decltype(&::EVP_DecryptFinal_ex) EVP_DecryptFinal_ex;
  decltype(&::EVP_MD_fetch) EVP_MD_fetch;
  decltype(&::EVP_MD_CTX_new) EVP_MD_CTX_new;
  decltype(&::EVP_MD_CTX_free) EVP_MD_CTX_free;
  decltype(&::EVP_DigestInit_ex2) EVP_DigestInit_ex2;
  decltype(&::EVP_DigestUpdate) EVP_DigestUpdate;
  decltype(&::EVP_DigestFinal_ex) EVP_DigestFinal_ex;
  decltype(&::ERR_get_error) ERR_get_error;
  decltype(&::ERR_peek_error) ERR_peek_error;
  decltype(&::ERR_clear_error) ERR_clear_error;
  decltype(&::ERR_error_string_n) ERR_error_string_n;
};

// libcrypto, loaded on the first call (thread-safe) and kept for the life of
// the process; null when it cannot be loaded or lacks one of the functions.
const Libcrypto* libcrypto();

// The algorithms, fetched on first use (thread-safe) and kept for the life
// of the process; null when libcrypto cannot provide them (not installed,
// or a configuration that loads only a provider without them).
const EVP_CIPHER* chacha20_poly1305_cipher();
const EVP_MD* blake2b512_md();

// An internal error: "libcrypto: WHAT failed", with the reasons libcrypto
// queued on this thread, which it empties.
Error libcrypto_error(std::string_view what);

}  // namespace sfcohort::crypto

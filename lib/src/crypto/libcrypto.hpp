// What crypto/ takes from OpenSSL's libcrypto: the ChaCha20-Poly1305 cipher
// and the BLAKE2b-512 digest, fetched once from its default provider, and
// its failures as errors. Included only by crypto/'s .cpp files; the headers
// of crypto/ forward-declare the few OpenSSL types they name.
#pragma once

#include <openssl/evp.h>

#include <string_view>

#include "sfcohort/result.hpp"

namespace sfcohort::crypto {

// The algorithms, fetched on first use (thread-safe) and kept for the life
// of the process; null when libcrypto cannot provide them (say, a
// configuration that loads only a provider without them).
const EVP_CIPHER* chacha20_poly1305_cipher();
const EVP_MD* blake2b512_md();

// An internal error: "libcrypto: WHAT failed", with the reasons libcrypto
// queued on this thread, which it empties.
Error libcrypto_error(std::string_view what);

}  // namespace sfcohort::crypto

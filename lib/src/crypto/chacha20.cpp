// The EVP calls behind ChaCha20Poly1305. The context gets its cipher once
// (the first message), then only a key and nonce per message: re-initialising
// with a null cipher keeps libcrypto's provider context, so no message
// allocates (checked with CRYPTO_set_mem_functions when this was written).
//
// Opening: libcrypto reports a tag that does not verify only through
// EVP_DecryptFinal_ex returning 0, the same as any other failure there. Its
// error queue tells them apart: a bad tag queues nothing, a real failure
// queues its reason. The queue is emptied before, so a stale entry cannot
// turn a bad tag into an internal error.
#include "crypto/chacha20.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "crypto/libcrypto.hpp"

namespace sfcohort::crypto {
namespace {

// libcrypto's functions, where the cipher has been fetched (so it has loaded).
const Libcrypto& lc() { return *libcrypto(); }

}  // namespace

ChaCha20Poly1305::~ChaCha20Poly1305() {
  if (ctx_) lc().EVP_CIPHER_CTX_free(ctx_);
}

Status ChaCha20Poly1305::begin(const uint8_t key[32], const uint8_t nonce[12], bool seal) {
  const int enc = seal ? 1 : 0;
  if (!ctx_) {
    const EVP_CIPHER* cipher = chacha20_poly1305_cipher();
    if (!cipher) return libcrypto_error("fetching ChaCha20-Poly1305");
    ctx_ = lc().EVP_CIPHER_CTX_new();
    if (!ctx_) return libcrypto_error("allocating a cipher context");
    if (lc().EVP_CipherInit_ex2(ctx_, cipher, nullptr, nullptr, enc, nullptr) != 1) {
      lc().EVP_CIPHER_CTX_free(ctx_);
      ctx_ = nullptr;
      return libcrypto_error("setting up ChaCha20-Poly1305");
    }
  }
  if (lc().EVP_CipherInit_ex2(ctx_, nullptr, key, nonce, enc, nullptr) != 1) {
    return libcrypto_error("setting the ChaCha20-Poly1305 key and nonce");
  }
  return Ok{};
}

Status ChaCha20Poly1305::update(const uint8_t* in, size_t n, uint8_t* out, const char* what) {
  // EVP takes an int length; a chunk is 64 KiB, but any length works.
  constexpr size_t kMax = size_t{1} << 30;
  while (n > 0) {
    const size_t k = std::min(n, kMax);
    int len = 0;
    if (lc().EVP_CipherUpdate(ctx_, out, &len, in, static_cast<int>(k)) != 1 ||
        static_cast<size_t>(len) != k) {
      return libcrypto_error(what);
    }
    in += k;
    out += k;
    n -= k;
  }
  return Ok{};
}

Status ChaCha20Poly1305::seal(const uint8_t key[32], const uint8_t nonce[12], const uint8_t* in,
                              size_t n, uint8_t* out) {
  SF_TRY(begin(key, nonce, true));
  SF_TRY(update(in, n, out, "ChaCha20-Poly1305 encryption"));
  int len = 0;
  if (lc().EVP_EncryptFinal_ex(ctx_, out + n, &len) != 1 || len != 0 ||
      lc().EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, 16, out + n) != 1) {
    return libcrypto_error("ChaCha20-Poly1305 tag");
  }
  return Ok{};
}

Result<bool> ChaCha20Poly1305::open(const uint8_t key[32], const uint8_t nonce[12],
                                    const uint8_t* in, size_t n, uint8_t* out) {
  if (n < 16) return false;
  const size_t len = n - 16;
  SF_TRY(begin(key, nonce, false));
  // libcrypto copies the tag; its ctrl() only takes a non-const pointer.
  if (lc().EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, 16, const_cast<uint8_t*>(in + len)) !=
      1) {
    return libcrypto_error("setting the ChaCha20-Poly1305 tag");
  }
  if (auto u = update(in, len, out, "ChaCha20-Poly1305 decryption"); !u) {
    sodium_memzero(out, len);
    return std::move(u).error();
  }
  lc().ERR_clear_error();
  int final_len = 0;
  const int ok = lc().EVP_DecryptFinal_ex(ctx_, out + len, &final_len);
  if (ok == 1 && final_len == 0) return true;
  sodium_memzero(out, len);
  if (ok == 1 || lc().ERR_peek_error() != 0) return libcrypto_error("ChaCha20-Poly1305 tag check");
  return false;
}

}  // namespace sfcohort::crypto

// Blake2b512 over an EVP digest context. The context is set up once per
// hash; update() and finish() then allocate nothing. Errors are kept rather
// than returned by update() so that an observer of the pipeline, which
// cannot fail, can feed the hash: finish() reports them, and a digest is
// never written after a failure.
#include "crypto/blake2b.hpp"

#include <utility>

#include "crypto/libcrypto.hpp"

namespace sfcohort::minisign::detail {
namespace {

// libcrypto's functions, where a digest has been fetched (so it has loaded).
const crypto::Libcrypto& lc() { return *crypto::libcrypto(); }

}  // namespace

Blake2b512::Blake2b512() {
  const EVP_MD* md = crypto::blake2b512_md();
  if (!md) {
    error_ = crypto::libcrypto_error("fetching BLAKE2B-512");
    return;
  }
  ctx_ = lc().EVP_MD_CTX_new();
  if (!ctx_) {
    error_ = crypto::libcrypto_error("allocating a digest context");
  } else if (lc().EVP_DigestInit_ex2(ctx_, md, nullptr) != 1) {
    error_ = crypto::libcrypto_error("setting up BLAKE2B-512");
  }
}

Blake2b512::~Blake2b512() {
  if (ctx_) lc().EVP_MD_CTX_free(ctx_);
}

void Blake2b512::update(const uint8_t* p, size_t n) {
  if (error_ || n == 0) return;
  if (lc().EVP_DigestUpdate(ctx_, p, n) != 1)
    error_ = crypto::libcrypto_error("BLAKE2B-512 update");
}

Status Blake2b512::finish(uint8_t out[64]) {
  if (error_) return *error_;
  unsigned int len = 0;
  if (lc().EVP_DigestFinal_ex(ctx_, out, &len) != 1 || len != 64) {
    error_ = crypto::libcrypto_error("BLAKE2B-512 final");
    return *error_;
  }
  return Ok{};
}

}  // namespace sfcohort::minisign::detail

#include "sfcohort/note.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstring>

#include "crypto/age_common.hpp"
#include "sfcohort/hash.hpp"

namespace sfcohort::note {
namespace {

constexpr uint8_t kEd25519 = 0x01;
// U+2014 EM DASH and a space start every signature line.
constexpr std::string_view kDash = "\xE2\x80\x94 ";

bool valid_name(std::string_view n) {
  if (n.empty()) return false;
  for (unsigned char c : n) {
    if (c == '+' || c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

uint32_t key_hash(const std::string& name, const uint8_t pub[32]) {
  Sha256 h;
  h.update(name);
  const char sep[2] = {'\n', static_cast<char>(kEd25519)};
  h.update(std::string_view(sep, 2));
  h.update(std::string_view(reinterpret_cast<const char*>(pub), 32));
  Digest32 d = h.finish();
  return (uint32_t{d[0]} << 24) | (uint32_t{d[1]} << 16) | (uint32_t{d[2]} << 8) | d[3];
}

std::string hex8(uint32_t v) {
  char b[9];
  std::snprintf(b, sizeof b, "%08x", v);
  return b;
}

// NAME+HASH+BASE64 into its parts; the key bytes (with the 0x01 prefix).
struct KeyText {
  std::string name;
  uint32_t hash = 0;
  std::string key;
};
Result<KeyText> split_key(std::string_view text, const char* what) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  const auto bad = [&] { return invalid_input(std::string("not ") + what); };
  size_t p1 = text.find('+');
  if (p1 == std::string_view::npos) return bad();
  size_t p2 = text.find('+', p1 + 1);
  if (p2 == std::string_view::npos || p2 - p1 - 1 != 8) return bad();
  KeyText k;
  k.name = std::string(text.substr(0, p1));
  const std::string h(text.substr(p1 + 1, 8));
  if (!valid_name(k.name) || h.find_first_not_of("0123456789abcdef") != std::string::npos)
    return bad();
  k.hash = static_cast<uint32_t>(std::stoul(h, nullptr, 16));
  auto key = crypto::b64_decode(text.substr(p2 + 1), true);
  if (!key || key->size() != 33 || static_cast<uint8_t>((*key)[0]) != kEd25519) return bad();
  k.key = key->substr(1);
  sodium_memzero(key->data(), key->size());
  return k;
}

}  // namespace

Result<Verifier> Verifier::parse(std::string_view text) {
  auto k = split_key(text, "an Ed25519 note verifier key (NAME+HASH+KEY)");
  if (!k) return k.error();
  Verifier v;
  v.name_ = k->name;
  std::memcpy(v.pub_.data(), k->key.data(), 32);
  v.hash_ = key_hash(v.name_, v.pub_.data());
  if (v.hash_ != k->hash) return invalid_input("note verifier key: its hash does not match");
  return v;
}

std::string Verifier::text() const {
  uint8_t raw[33] = {kEd25519};
  std::memcpy(raw + 1, pub_.data(), 32);
  return name_ + "+" + hex8(hash_) + "+" + crypto::b64_encode(raw, sizeof raw, true);
}

Result<Signer> Signer::generate(const std::string& name) {
  crypto::ensure_sodium();
  if (!valid_name(name)) {
    return invalid_input("a key name '" + name + "' must have no '+', space or control character");
  }
  Signer s;
  randombytes_buf(s.seed_.data(), 32);
  uint8_t sk[64];
  crypto_sign_seed_keypair(s.verifier_.pub_.data(), sk, s.seed_.data());
  sodium_memzero(sk, sizeof sk);
  s.verifier_.name_ = name;
  s.verifier_.hash_ = key_hash(name, s.verifier_.pub_.data());
  return s;
}

Result<Signer> Signer::parse(std::string_view text) {
  crypto::ensure_sodium();
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    return invalid_input("not an Ed25519 note signer key (PRIVATE+KEY+NAME+HASH+KEY)");
  }
  auto k = split_key(text.substr(kPrefix.size()), "an Ed25519 note signer key");
  if (!k) return k.error();
  Signer s;
  std::memcpy(s.seed_.data(), k->key.data(), 32);
  sodium_memzero(k->key.data(), k->key.size());
  uint8_t sk[64];
  crypto_sign_seed_keypair(s.verifier_.pub_.data(), sk, s.seed_.data());
  sodium_memzero(sk, sizeof sk);
  s.verifier_.name_ = k->name;
  s.verifier_.hash_ = key_hash(k->name, s.verifier_.pub_.data());
  if (s.verifier_.hash_ != k->hash)
    return invalid_input("note signer key: its hash does not match");
  return s;
}

Signer::Signer(Signer&& o) noexcept : verifier_(o.verifier_), seed_(o.seed_) {
  sodium_memzero(o.seed_.data(), o.seed_.size());
}

Signer::~Signer() { sodium_memzero(seed_.data(), seed_.size()); }

std::string Signer::text() const {
  uint8_t raw[33] = {kEd25519};
  std::memcpy(raw + 1, seed_.data(), 32);
  std::string t = "PRIVATE+KEY+" + verifier_.name_ + "+" + hex8(verifier_.hash_) + "+" +
                  crypto::b64_encode(raw, sizeof raw, true);
  sodium_memzero(raw, sizeof raw);
  return t;
}

std::string Signer::sign(std::string_view text) const {
  uint8_t pk[32], sk[64];
  crypto_sign_seed_keypair(pk, sk, seed_.data());
  uint8_t sig[4 + 64];
  const uint32_t h = verifier_.hash_;
  sig[0] = static_cast<uint8_t>(h >> 24);
  sig[1] = static_cast<uint8_t>(h >> 16);
  sig[2] = static_cast<uint8_t>(h >> 8);
  sig[3] = static_cast<uint8_t>(h);
  crypto_sign_detached(sig + 4, nullptr, reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                       sk);
  sodium_memzero(sk, sizeof sk);
  return std::string(text) + "\n" + std::string(kDash) + verifier_.name_ + " " +
         crypto::b64_encode(sig, sizeof sig, true) + "\n";
}

Result<std::string> open(std::string_view note, const Verifier& v) {
  crypto::ensure_sodium();
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos || note.empty() || note.back() != '\n') {
    return invalid_input("not a signed note (no blank line before the signatures)");
  }
  const std::string_view text = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  bool named = false;
  while (!sigs.empty()) {
    const size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (line.substr(0, kDash.size()) != kDash) {
      return invalid_input("not a signed note (a signature line does not start with '— ')");
    }
    line.remove_prefix(kDash.size());
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos)
      return invalid_input("not a signed note (a bad signature line)");
    if (line.substr(0, sp) != v.name_) continue;
    named = true;
    auto raw = crypto::b64_decode(line.substr(sp + 1), true);
    if (!raw || raw->size() != 68) continue;
    const auto* r = reinterpret_cast<const uint8_t*>(raw->data());
    const uint32_t h =
        (uint32_t{r[0]} << 24) | (uint32_t{r[1]} << 16) | (uint32_t{r[2]} << 8) | r[3];
    if (h != v.hash_) continue;
    if (crypto_sign_verify_detached(r + 4, reinterpret_cast<const uint8_t*>(text.data()),
                                    text.size(), v.pub_.data()) == 0) {
      return std::string(text);
    }
  }
  return Error(Errc::kCrypto, named ? "the signature by '" + v.name_ + "' does not verify"
                                    : "not signed by '" + v.name_ + "'");
}

}  // namespace sfcohort::note

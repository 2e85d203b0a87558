// minisign 0.11's key and signature formats, byte for byte.
#include <sodium.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <new>
#include <stdexcept>
#include <vector>

#include "crypto/age_common.hpp"
#include "crypto/blake2b.hpp"
#include "sfcohort/minisign.hpp"

namespace sfcohort::minisign {
namespace {

using crypto::b64_decode;
using crypto::b64_encode;

constexpr std::string_view kUntrusted = "untrusted comment: ";
constexpr std::string_view kTrusted = "trusted comment: ";
constexpr size_t kMaxComment = 1024;
constexpr size_t kSecretKeyBytes = 158;
constexpr size_t kKsBytes = 104;  // key id, secret key, checksum
// scrypt limits minisign writes (libsodium's OPSLIMIT/MEMLIMIT_SENSITIVE for
// scryptsalsa208sha256): the most a key file may ask for.
constexpr uint64_t kMaxOpsLimit = 33554432;
constexpr uint64_t kMaxMemLimit = 1073741824;

const uint8_t* u8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

uint64_t load_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
void store_le64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// Splits TEXT into lines, dropping a trailing CR from each.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    out.push_back(l);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::array<uint8_t, 32> checksum(const KeyId& id, const std::array<uint8_t, 64>& sk) {
  std::array<uint8_t, 32> chk{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, chk.size());
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>("Ed"), 2);
  crypto_generichash_update(&st, id.data(), id.size());
  crypto_generichash_update(&st, sk.data(), sk.size());
  crypto_generichash_final(&st, chk.data(), chk.size());
  return chk;
}

// XORs the 104 key bytes with the scrypt stream, as minisign does.
Status xor_kdf(uint8_t* ks, std::string_view pw, const uint8_t* salt, uint64_t ops, uint64_t mem) {
  uint8_t stream[kKsBytes];
  if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof stream, pw.data(), pw.size(), salt, ops,
                                         static_cast<size_t>(mem)) != 0) {
    return Error(Errc::kEnvironment, "not enough memory to unlock the signing key");
  }
  for (size_t i = 0; i < kKsBytes; ++i) ks[i] ^= stream[i];
  sodium_memzero(stream, sizeof stream);
  return Ok{};
}

struct SigFile {
  std::string sig;  // "ED" || key id || signature (74 bytes)
  std::string trusted_comment;
  std::string global_sig;  // 64 bytes
};

Result<SigFile> parse_sig(std::string_view text) {
  auto bad = [](const std::string& m) { return crypto_error("signature: " + m); };
  if (text.empty()) return bad("the signature file is empty");
  auto ls = lines_of(text);
  if (ls.size() < 4) return bad("not a minisign signature (fewer than 4 lines)");
  if (ls[0].substr(0, kUntrusted.size()) != kUntrusted) return bad("not a minisign signature");
  if (ls[0].size() > kMaxComment) return bad("untrusted comment too long");
  auto sig = b64_decode(ls[1], true);
  if (!sig || sig->size() != 74) return bad("not a minisign signature (bad signature line)");
  if (sig->substr(0, 2) == "Ed") {
    return bad("legacy (non-prehashed) signature refused; sign with minisign 0.8 or later");
  }
  if (sig->substr(0, 2) != "ED") return bad("unsupported signature algorithm");
  if (ls[2].substr(0, kTrusted.size()) != kTrusted) return bad("no trusted comment");
  // Four lines were found, so the trusted comment line ends with a line
  // feed, as minisign requires.
  auto global = b64_decode(ls[3], true);
  if (!global || global->size() != 64) return bad("bad global signature line");
  for (size_t i = 4; i < ls.size(); ++i) {
    if (!ls[i].empty()) return bad("unexpected data after the global signature");
  }
  SigFile f;
  f.sig = std::move(*sig);
  f.trusted_comment = std::string(ls[2].substr(kTrusted.size()));
  f.global_sig = std::move(*global);
  return f;
}

}  // namespace

// ---------------------------------------------------------------- public key

Result<PublicKey> PublicKey::parse(std::string_view text) {
  std::string_view line;
  for (auto l : lines_of(text)) {
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    if (l.empty() || l.substr(0, kUntrusted.size()) == kUntrusted) continue;
    if (!line.empty()) return invalid_input("not a minisign public key (more than one key line)");
    line = l;
  }
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  auto b = b64_decode(line, true);
  if (!b || b->size() != 42 || b->substr(0, 2) != "Ed") {
    return invalid_input("not a minisign public key (RW...)");
  }
  PublicKey k;
  std::memcpy(k.key_id.data(), b->data() + 2, 8);
  std::memcpy(k.key.data(), b->data() + 10, 32);
  return k;
}

std::string PublicKey::base64() const {
  uint8_t raw[42] = {'E', 'd'};
  std::memcpy(raw + 2, key_id.data(), 8);
  std::memcpy(raw + 10, key.data(), 32);
  return b64_encode(raw, sizeof raw, true);
}

std::string PublicKey::key_id_hex() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRIX64, load_le64(key_id.data()));
  return buf;
}

std::string PublicKey::file_text() const {
  return "untrusted comment: minisign public key " + key_id_hex() + "\n" + base64() + "\n";
}

// ---------------------------------------------------------------- secret key

SecretKey SecretKey::generate() {
  crypto::ensure_sodium();
  SecretKey k;
  uint8_t pk[32];
  crypto_sign_keypair(pk, k.sk_.data());
  randombytes_buf(k.key_id_.data(), k.key_id_.size());
  return k;
}

SecretKey::~SecretKey() { sodium_memzero(sk_.data(), sk_.size()); }

PublicKey SecretKey::public_key() const {
  PublicKey p;
  p.key_id = key_id_;
  std::memcpy(p.key.data(), sk_.data() + 32,
              32);  // libsodium keeps the public key in the upper half
  return p;
}

std::string SecretKey::file_text(std::optional<std::string_view> passphrase, uint64_t opslimit,
                                 uint64_t memlimit) const {
  crypto::ensure_sodium();
  uint8_t raw[kSecretKeyBytes] = {0};
  raw[0] = 'E';
  raw[1] = 'd';
  raw[4] = 'B';
  raw[5] = '2';
  uint8_t* salt = raw + 6;
  uint8_t* ks = raw + 6 + 32 + 16;
  std::memcpy(ks, key_id_.data(), 8);
  std::memcpy(ks + 8, sk_.data(), 64);
  auto chk = checksum(key_id_, sk_);
  std::memcpy(ks + 72, chk.data(), 32);
  if (passphrase) {
    raw[2] = 'S';
    raw[3] = 'c';
    randombytes_buf(salt, 32);
    store_le64(raw + 38, opslimit);
    store_le64(raw + 46, memlimit);
    if (!xor_kdf(ks, *passphrase, salt, opslimit, memlimit)) {
      sodium_memzero(raw, sizeof raw);
      throw std::bad_alloc();
    }
  }
  std::string text = "untrusted comment: minisign encrypted secret key\n" +
                     b64_encode(raw, sizeof raw, true) + "\n";
  sodium_memzero(raw, sizeof raw);
  return text;
}

Result<bool> SecretKey::is_encrypted(std::string_view text) {
  auto ls = lines_of(text);
  if (ls.size() < 2) return invalid_input("not a minisign secret key");
  auto b = b64_decode(ls[1], true);
  if (!b || b->size() != kSecretKeyBytes || b->substr(0, 2) != "Ed") {
    return invalid_input("not a minisign secret key");
  }
  bool enc = (*b)[2] != 0 || (*b)[3] != 0;
  sodium_memzero(b->data(), b->size());
  return enc;
}

Result<SecretKey> SecretKey::parse(std::string_view text,
                                   std::optional<std::string_view> passphrase) {
  crypto::ensure_sodium();
  auto ls = lines_of(text);
  if (ls.size() < 2 || ls[0].substr(0, kUntrusted.size()) != kUntrusted) {
    return invalid_input("not a minisign secret key");
  }
  auto b = b64_decode(ls[1], true);
  if (!b || b->size() != kSecretKeyBytes || b->substr(0, 2) != "Ed" || b->substr(4, 2) != "B2") {
    return invalid_input("not a minisign secret key");
  }
  auto* raw = reinterpret_cast<uint8_t*>(b->data());
  crypto::Wipe wipe{{{raw, kSecretKeyBytes}}};
  uint8_t* ks = raw + 54;
  bool encrypted = raw[2] != 0 || raw[3] != 0;
  if (encrypted) {
    if (raw[2] != 'S' || raw[3] != 'c')
      return invalid_input("unsupported key derivation in the minisign secret key");
    if (!passphrase)
      return crypto_error("the signing key is protected by a passphrase, and none was given");
    // The key file sets scrypt's cost; a file from elsewhere could ask for
    // any amount of memory or time. minisign itself writes the "sensitive"
    // limits, so nothing above them is a key it made.
    const uint64_t ops = load_le64(raw + 38), mem = load_le64(raw + 46);
    if (ops > kMaxOpsLimit || mem > kMaxMemLimit) {
      return invalid_input("the minisign secret key asks for scrypt limits above minisign's (" +
                           std::to_string(ops) + " operations, " + std::to_string(mem) +
                           " bytes of memory): not a key minisign made");
    }
    SF_TRY(xor_kdf(ks, *passphrase, raw + 6, ops, mem));
  }
  SecretKey k;
  std::memcpy(k.key_id_.data(), ks, 8);
  std::memcpy(k.sk_.data(), ks + 8, 64);
  if (encrypted) {
    auto chk = checksum(k.key_id_, k.sk_);
    if (sodium_memcmp(chk.data(), ks + 72, 32) != 0) {
      return Error(Errc::kCrypto, "wrong passphrase for the signing key");
    }
  }
  // minisign 0.11 leaves an unencrypted key's checksum as zeros, so it is not
  // checked; instead the public half must match the seed.
  uint8_t pk[32], sk[64];
  crypto_sign_seed_keypair(pk, sk, k.sk_.data());
  bool consistent = sodium_memcmp(pk, k.sk_.data() + 32, 32) == 0;
  sodium_memzero(sk, sizeof sk);
  if (!consistent) return crypto_error("the minisign secret key is damaged");
  return k;
}

std::string SecretKey::sign(const Hash64& prehash, std::string_view trusted_comment,
                            std::string_view untrusted_comment) const {
  crypto::ensure_sodium();
  uint8_t sig[74] = {'E', 'D'};
  std::memcpy(sig + 2, key_id_.data(), 8);
  crypto_sign_detached(sig + 10, nullptr, prehash.data(), prehash.size(), sk_.data());
  std::string global_input(reinterpret_cast<char*>(sig + 10), 64);
  global_input += trusted_comment;
  uint8_t global[64];
  crypto_sign_detached(global, nullptr, u8(global_input), global_input.size(), sk_.data());
  return std::string(kUntrusted) + std::string(untrusted_comment) + "\n" +
         b64_encode(sig, sizeof sig, true) + "\n" + std::string(kTrusted) +
         std::string(trusted_comment) + "\n" + b64_encode(global, sizeof global, true) + "\n";
}

// ---------------------------------------------------------------- hashing

struct Prehash::State {
  detail::Blake2b512 h;
};

Prehash::Prehash() : st_(std::make_unique<State>()) {}
Prehash::~Prehash() = default;

void Prehash::update(const void* p, size_t n) { st_->h.update(static_cast<const uint8_t*>(p), n); }

// Prehash::finish() has no way to return an error, and a failure of
// libcrypto here is a broken installation, not bad input: it throws (exit
// 70, "internal error") rather than return a wrong hash. Code in crypto/
// uses detail::Blake2b512, whose finish() returns the error.
Hash64 Prehash::finish() {
  Hash64 h;
  if (auto r = st_->h.finish(h.data()); !r) throw std::runtime_error(r.error().message);
  return h;
}

Hash64 prehash_reference(const void* p, size_t n) {
  crypto::ensure_sodium();
  Hash64 h;
  crypto_generichash(h.data(), h.size(), static_cast<const uint8_t*>(p), n, nullptr, 0);
  return h;
}

Result<Hash64> prehash_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error(Errc::kEnvironment, path + ": cannot read: " + std::strerror(errno));
  detail::Blake2b512 h;
  std::vector<uint8_t> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) h.update(buf.data(), n);
  bool bad = std::ferror(f);
  std::fclose(f);
  if (bad) return Error(Errc::kEnvironment, path + ": cannot read");
  Hash64 out;
  SF_TRY(h.finish(out.data()));
  return out;
}

// ---------------------------------------------------------------- verify

Result<KeyId> signature_key_id(std::string_view sig_text) {
  auto f = parse_sig(sig_text);
  if (!f) return std::move(f).error();
  KeyId id;
  std::memcpy(id.data(), f->sig.data() + 2, 8);
  return id;
}

Result<std::string> verify(const PublicKey& key, const Hash64& prehash, std::string_view sig_text) {
  crypto::ensure_sodium();
  auto f = parse_sig(sig_text);
  if (!f) return std::move(f).error();
  if (std::memcmp(f->sig.data() + 2, key.key_id.data(), 8) != 0) {
    KeyId id;
    std::memcpy(id.data(), f->sig.data() + 2, 8);
    PublicKey other;
    other.key_id = id;
    return crypto_error("signature: made with key " + other.key_id_hex() +
                        ", not the expected key " + key.key_id_hex());
  }
  if (crypto_sign_verify_detached(u8(f->sig) + 10, prehash.data(), prehash.size(),
                                  key.key.data()) != 0) {
    return crypto_error(
        "signature verification failed: the file was altered or not signed by this key");
  }
  std::string global_input = f->sig.substr(10) + f->trusted_comment;
  if (crypto_sign_verify_detached(u8(f->global_sig), u8(global_input), global_input.size(),
                                  key.key.data()) != 0) {
    return crypto_error("signature: the trusted comment was altered");
  }
  return f->trusted_comment;
}

}  // namespace sfcohort::minisign

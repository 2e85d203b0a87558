// age v1 on libsodium 1.0.18 (X25519, scrypt, HKDF and HMAC-SHA-256, the
// file key's wrapping) and OpenSSL's libcrypto (the payload's
// ChaCha20-Poly1305, crypto/chacha20.hpp), following the C2SP age
// specification (age-encryption.org/v1) section by section.
#include <fcntl.h>
#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <stdexcept>

#include "crypto/age_common.hpp"
#include "crypto/age_stream.hpp"
#include "crypto/chacha20.hpp"
#include "sfcohort/age.hpp"
#include "sfcohort/context.hpp"

namespace sfcohort::age {

// ---------------------------------------------------------------- streams

Result<size_t> FileSource::read(void* buf, size_t n) {
  if (!advised_) {
    advised_ = true;
    ::posix_fadvise(fileno(f_), 0, 0, POSIX_FADV_SEQUENTIAL);  // fails harmlessly on a pipe
  }
  size_t got = std::fread(buf, 1, n, f_);
  if (got < n && std::ferror(f_)) {
    return Error(Errc::kEnvironment, name_ + ": cannot read: " + std::strerror(errno));
  }
  return got;
}

Status FileSink::write(const void* p, size_t n) {
  if (n && std::fwrite(p, 1, n, f_) != n) {
    int e = errno;
    if (e == ENOSPC || e == EDQUOT || e == EFBIG) {
      return Error(Errc::kEnvironment, name_ + ": cannot write: the disk is full");
    }
    return Error(Errc::kEnvironment, name_ + ": cannot write: " + std::strerror(e));
  }
  return Ok{};
}

Result<size_t> StringSource::read(void* buf, size_t n) {
  size_t k = std::min(n, s_.size());
  std::memcpy(buf, s_.data(), k);
  s_.remove_prefix(k);
  return k;
}

namespace {

using crypto::b64_decode;
using crypto::b64_encode;
using crypto::hkdf_sha256_32;

constexpr std::string_view kIntro = "age-encryption.org/v1";
constexpr std::string_view kArmorBegin = "-----BEGIN AGE ENCRYPTED FILE-----";
constexpr std::string_view kArmorEnd = "-----END AGE ENCRYPTED FILE-----";
using detail::kChunk;
using detail::kEncChunk;
using detail::kTag;
constexpr size_t kMaxLine = 4096;        // no valid header line comes near this
constexpr size_t kMaxHeader = 1 << 20;   // a thousand recipients fit easily
constexpr size_t kMaxWhitespace = 1024;  // around an armored file

Error fail(Failure* why, Failure kind, std::string message) {
  if (why) *why = kind;
  return Error(Errc::kCrypto, std::move(message));
}

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A read buffer over a Source with the look-ahead the parsers need.
class Reader {
 public:
  explicit Reader(Source& src) : src_(src), buf_(kEncChunk + 1) {}

  // Makes at least N bytes available unless the stream ends first.
  Result<size_t> ensure(size_t n) {
    if (end_ - pos_ >= n || eof_) return end_ - pos_;
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (buf_.size() < n) buf_.resize(n);
    while (end_ < n && !eof_) {
      auto r = src_.read(buf_.data() + end_, buf_.size() - end_);
      if (!r) return std::move(r).error();
      if (*r == 0) eof_ = true;
      end_ += *r;
    }
    return end_ - pos_;
  }
  std::string_view available() const {
    return std::string_view(reinterpret_cast<const char*>(buf_.data()) + pos_, end_ - pos_);
  }
  void consume(size_t n) { pos_ += n; }

  // Reads a line up to and including '\n' (at most MAX bytes). Returns the
  // line without '\n'; sets *complete false when the stream ended before '\n'.
  Result<std::string> line(size_t max, bool* complete) {
    std::string out;
    for (;;) {
      auto r = ensure(1);
      if (!r) return std::move(r).error();
      if (*r == 0) {
        *complete = false;
        return out;
      }
      std::string_view a = available();
      size_t nl = a.find('\n');
      size_t take = nl == std::string_view::npos ? a.size() : nl;
      if (out.size() + take > max) {
        *complete = false;
        out.append(a.substr(0, std::min(take, max + 1 - out.size())));
        return out;
      }
      out.append(a.substr(0, take));
      if (nl != std::string_view::npos) {
        consume(nl + 1);
        *complete = true;
        return out;
      }
      consume(take);
    }
  }

  // Reads up to N bytes, fewer only at the end.
  Result<size_t> read(uint8_t* dst, size_t n) {
    size_t done = 0;
    size_t have = end_ - pos_;
    if (have) {
      size_t k = std::min(have, n);
      std::memcpy(dst, buf_.data() + pos_, k);
      pos_ += k;
      done = k;
    }
    while (done < n && !eof_) {
      auto r = src_.read(dst + done, n - done);
      if (!r) return std::move(r).error();
      if (*r == 0) eof_ = true;
      done += *r;
    }
    return done;
  }

  // True when no byte follows.
  Result<bool> at_end() {
    auto r = ensure(1);
    if (!r) return std::move(r).error();
    return *r == 0;
  }

 private:
  Source& src_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
};

// ---------------------------------------------------------------- armor

// Writes the strict PEM form: 64 base64 characters per line.
class ArmorSink : public Sink {
 public:
  explicit ArmorSink(Sink& out) : out_(out) {}
  Status begin() {
    std::string s = std::string(kArmorBegin) + "\n";
    return out_.write(s.data(), s.size());
  }
  Status write(const void* p, size_t n) override {
    auto b = static_cast<const uint8_t*>(p);
    while (n) {
      size_t k = std::min(n, kBlock - pending_);
      std::memcpy(in_ + pending_, b, k);
      pending_ += k;
      b += k;
      n -= k;
      if (pending_ == kBlock) SF_TRY(flush());
    }
    return Ok{};
  }
  Status finish() {
    SF_TRY(flush());
    std::string s = std::string(kArmorEnd) + "\n";
    return out_.write(s.data(), s.size());
  }

 private:
  static constexpr size_t kBlock = 48 * 256;  // whole lines only
  Status flush() {
    std::string text;
    text.reserve(pending_ / 48 * 65 + 70);
    for (size_t off = 0; off < pending_; off += 48) {
      text += b64_encode(in_ + off, std::min<size_t>(48, pending_ - off), true);
      text += '\n';
    }
    pending_ = 0;
    return out_.write(text.data(), text.size());
  }
  Sink& out_;
  uint8_t in_[kBlock];
  size_t pending_ = 0;
};

// Decodes the armor while the header and payload parsers read from it.
// Armor errors carry Failure::kArmor through *why.
class ArmorSource : public Source {
 public:
  ArmorSource(Reader& in, Failure* why) : in_(in), why_(why) {}

  Status begin() {
    // Up to kMaxWhitespace bytes of whitespace, then the BEGIN line.
    size_t skipped = 0;
    for (;;) {
      auto r = in_.ensure(1);
      if (!r) return std::move(r).error();
      if (*r == 0 || !is_space(static_cast<unsigned char>(in_.available()[0]))) break;
      if (++skipped > kMaxWhitespace) return armor("too much whitespace before the armor");
      in_.consume(1);
    }
    bool complete = false;
    auto line = in_.line(kMaxLine, &complete);
    if (!line) return std::move(line).error();
    std::string l = std::move(*line);
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (!complete || l != kArmorBegin) {
      return armor("not an age file (it starts with neither 'age-encryption.org/' nor '" +
                   std::string(kArmorBegin) + "')");
    }
    return Ok{};
  }

  Result<size_t> read(void* buf, size_t n) override {
    auto dst = static_cast<uint8_t*>(buf);
    size_t done = 0;
    while (done < n) {
      if (pos_ == decoded_.size()) {
        if (ended_) break;
        SF_TRY(next_line());
        continue;
      }
      size_t k = std::min(n - done, decoded_.size() - pos_);
      std::memcpy(dst + done, decoded_.data() + pos_, k);
      pos_ += k;
      done += k;
    }
    return done;
  }

 private:
  Error armor(const std::string& m) { return fail(why_, Failure::kArmor, "armor failure: " + m); }

  Status next_line() {
    decoded_.clear();
    pos_ = 0;
    bool complete = false;
    auto line = in_.line(kMaxLine, &complete);
    if (!line) return std::move(line).error();
    std::string l = std::move(*line);
    if (complete && !l.empty() && l.back() == '\r') l.pop_back();
    if (l == kArmorEnd) return end(complete);
    if (!complete) return armor("no end line");
    if (last_seen_) return armor("a short line is followed by more data");
    if (l.empty()) return armor("empty line");
    if (l.size() > 64) return armor("line longer than 64 characters");
    if (l.size() % 4 != 0) return armor("line length is not a multiple of 4");
    auto bytes = b64_decode(l, true);
    if (!bytes) return armor("invalid or non-canonical base64");
    if (l.size() < 64 || l.back() == '=') last_seen_ = true;
    decoded_ = std::move(*bytes);
    return Ok{};
  }

  // After the END line (with or without its line end): only whitespace.
  Status end(bool had_eol) {
    ended_ = true;
    (void)had_eol;
    size_t ws = 0;
    for (;;) {
      auto r = in_.ensure(1);
      if (!r) return std::move(r).error();
      if (*r == 0) return Ok{};
      if (!is_space(static_cast<unsigned char>(in_.available()[0]))) {
        return armor("data after the end line");
      }
      if (++ws > kMaxWhitespace) return armor("too much whitespace after the armor");
      in_.consume(1);
    }
  }

  Reader& in_;
  Failure* why_;
  std::string decoded_;
  size_t pos_ = 0;
  bool last_seen_ = false;
  bool ended_ = false;
};

// ---------------------------------------------------------------- header

struct Stanza {
  std::vector<std::string> args;  // args[0] is the type
  std::string body;
};

bool valid_arg(std::string_view a) {
  if (a.empty()) return false;
  for (unsigned char c : a) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t sp = s.find(' ', start);
    out.emplace_back(s.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return out;
}

void append_stanza(std::string& h, const Stanza& s) {
  h += "->";
  for (const auto& a : s.args) h += " " + a;
  h += "\n";
  std::string b = b64_encode(reinterpret_cast<const uint8_t*>(s.body.data()), s.body.size(), false);
  size_t off = 0;
  for (; b.size() - off >= 64; off += 64) h += b.substr(off, 64) + "\n";
  h += b.substr(off) + "\n";  // the short (possibly empty) last line ends the body
}

struct Header {
  std::vector<Stanza> stanzas;
  std::string mac_input;  // "age-encryption.org/v1\n" ... "---"
  std::string mac;        // 32 bytes
};

Result<Header> parse_header(Reader& in, Failure* why) {
  auto hf = [&](const std::string& m) {
    return fail(why, Failure::kHeader, "header failure: " + m);
  };
  Header h;
  bool complete = false;
  auto first = in.line(kMaxLine, &complete);
  if (!first) return std::move(first).error();
  if (!complete || *first != kIntro) {
    if (first->rfind("age-encryption.org/", 0) == 0 && first->find('\r') == std::string::npos &&
        complete) {
      return hf("unsupported version '" + *first + "'");
    }
    return hf("not an age file (the first line is not '" + std::string(kIntro) + "')");
  }
  h.mac_input = *first + "\n";
  for (;;) {
    if (h.mac_input.size() > kMaxHeader) return hf("header too long");
    auto l = in.line(kMaxLine, &complete);
    if (!l) return std::move(l).error();
    if (!complete) return hf("unexpected end of header");
    std::string line = std::move(*l);
    if (line.rfind("---", 0) == 0) {
      auto parts = split_spaces(line);
      if (parts.size() != 2 || parts[0] != "---") return hf("malformed mac line");
      auto mac = b64_decode(parts[1], false);
      if (!mac || mac->size() != 32)
        return hf("the header mac is not canonical base64 of 32 bytes");
      h.mac_input += "---";
      h.mac = std::move(*mac);
      break;
    }
    auto parts = split_spaces(line);
    if (parts[0] != "->") return hf("malformed stanza line");
    if (parts.size() < 2) return hf("stanza without a type");
    Stanza s;
    for (size_t i = 1; i < parts.size(); ++i) {
      if (!valid_arg(parts[i])) return hf("invalid stanza argument");
      s.args.push_back(parts[i]);
    }
    h.mac_input += line + "\n";
    for (;;) {
      auto bl = in.line(kMaxLine, &complete);
      if (!bl) return std::move(bl).error();
      if (!complete) return hf("unexpected end of header in a stanza body");
      if (bl->size() > 64) return hf("stanza body line longer than 64 columns");
      auto bytes = b64_decode(*bl, false);
      if (!bytes) return hf("stanza body is not canonical base64");
      h.mac_input += *bl + "\n";
      s.body += *bytes;
      if (bl->size() < 64) break;
      if (h.mac_input.size() > kMaxHeader) return hf("header too long");
    }
    h.stanzas.push_back(std::move(s));
  }
  if (h.stanzas.empty()) return hf("no recipient stanza");
  return h;
}

bool parse_log_n(const std::string& s, int max, int* out) {
  if (s.empty() || s.size() > 2 || s[0] < '1' || s[0] > '9') return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > max) return false;
  *out = v;
  return true;
}

// Checks the stanzas this implementation knows, before any key is tried
// (lengths first: partitioning oracles).
Status check_stanzas(const Header& h, int max_log_n, Failure* why) {
  auto hf = [&](const std::string& m) {
    return fail(why, Failure::kHeader, "header failure: " + m);
  };
  for (const auto& s : h.stanzas) {
    if (s.args[0] == "X25519") {
      if (s.args.size() != 2) return hf("an X25519 stanza needs exactly one argument");
      auto share = b64_decode(s.args[1], false);
      if (!share || share->size() != 32)
        return hf("X25519 share is not canonical base64 of 32 bytes");
      if (s.body.size() != 32) return hf("X25519 stanza body is not 32 bytes");
    } else if (s.args[0] == "scrypt") {
      if (h.stanzas.size() != 1) return hf("an scrypt stanza must be the only stanza");
      if (s.args.size() != 3) return hf("an scrypt stanza needs exactly two arguments");
      auto salt = b64_decode(s.args[1], false);
      if (!salt || salt->size() != 16) return hf("scrypt salt is not canonical base64 of 16 bytes");
      int log_n = 0;
      if (!parse_log_n(s.args[2], max_log_n, &log_n)) {
        return hf("scrypt work factor '" + s.args[2] + "' is invalid or above " +
                  std::to_string(max_log_n));
      }
      if (s.body.size() != 32) return hf("scrypt stanza body is not 32 bytes");
    }
  }
  return Ok{};
}

const uint8_t kZeroNonce[12] = {0};

std::string wrap_file_key(const uint8_t key[32], const uint8_t file_key[16]) {
  uint8_t out[32];
  unsigned long long len = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out, &len, file_key, 16, nullptr, 0, nullptr,
                                            kZeroNonce, key);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

bool unwrap_file_key(const uint8_t key[32], const std::string& body, uint8_t file_key[16]) {
  unsigned long long len = 0;
  return crypto_aead_chacha20poly1305_ietf_decrypt(file_key, &len, nullptr,
                                                   reinterpret_cast<const uint8_t*>(body.data()),
                                                   body.size(), nullptr, 0, kZeroNonce, key) == 0 &&
         len == 16;
}

Stanza x25519_stanza(const Recipient& r, const uint8_t file_key[16]) {
  uint8_t e[32], E[32], shared[32], salt[64], wrap[32];
  for (;;) {
    randombytes_buf(e, sizeof e);
    crypto_scalarmult_base(E, e);
    if (crypto_scalarmult(shared, e, r.public_key.data()) == 0) break;
    // Only a low-order recipient key gets here: refuse rather than loop.
    sodium_memzero(e, sizeof e);
    throw std::invalid_argument("recipient is a low-order point");
  }
  std::memcpy(salt, E, 32);
  std::memcpy(salt + 32, r.public_key.data(), 32);
  hkdf_sha256_32(wrap, shared, 32, salt, 64, "age-encryption.org/v1/X25519");
  Stanza s;
  s.args = {"X25519", b64_encode(E, 32, false)};
  s.body = wrap_file_key(wrap, file_key);
  sodium_memzero(e, sizeof e);
  sodium_memzero(shared, sizeof shared);
  sodium_memzero(wrap, sizeof wrap);
  return s;
}

Status scrypt_key(std::string_view passphrase, const std::string& salt16, int log_n,
                  uint8_t out[32]) {
  std::string salt = "age-encryption.org/v1/scrypt" + salt16;
  if (crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<const uint8_t*>(passphrase.data()),
                                            passphrase.size(),
                                            reinterpret_cast<const uint8_t*>(salt.data()),
                                            salt.size(), 1ULL << log_n, 8, 1, out, 32) != 0) {
    return Error(Errc::kEnvironment,
                 "scrypt: not enough memory for work factor " + std::to_string(log_n));
  }
  return Ok{};
}

// Tries every identity on every stanza. Returns the file key.
Status unwrap(const Header& h, const DecryptOptions& opt, uint8_t file_key[16], Failure* why) {
  for (const auto& s : h.stanzas) {
    if (s.args[0] == "X25519") {
      auto share = *b64_decode(s.args[1], false);
      for (const auto& id : opt.identities) {
        uint8_t shared[32], pub[32], salt[64], wrap[32];
        crypto_scalarmult_base(pub, id.secret().data());
        if (crypto_scalarmult(shared, id.secret().data(),
                              reinterpret_cast<const uint8_t*>(share.data())) != 0) {
          return fail(why, Failure::kHeader, "header failure: X25519 share is a low-order point");
        }
        std::memcpy(salt, share.data(), 32);
        std::memcpy(salt + 32, pub, 32);
        hkdf_sha256_32(wrap, shared, 32, salt, 64, "age-encryption.org/v1/X25519");
        bool ok = unwrap_file_key(wrap, s.body, file_key);
        sodium_memzero(shared, sizeof shared);
        sodium_memzero(wrap, sizeof wrap);
        if (ok) return Ok{};
      }
    } else if (s.args[0] == "scrypt") {
      auto salt = *b64_decode(s.args[1], false);
      int log_n = 0;
      parse_log_n(s.args[2], opt.max_scrypt_log_n, &log_n);
      for (const auto& pw : opt.passphrases) {
        uint8_t wrap[32];
        SF_TRY(scrypt_key(pw, salt, log_n, wrap));
        bool ok = unwrap_file_key(wrap, s.body, file_key);
        sodium_memzero(wrap, sizeof wrap);
        if (ok) return Ok{};
      }
    }
  }
  bool has_scrypt = h.stanzas.size() == 1 && h.stanzas[0].args[0] == "scrypt";
  if (has_scrypt && opt.passphrases.empty()) {
    return fail(why, Failure::kNoMatch,
                "no identity matches: the file is protected by a passphrase, and none was given");
  }
  return fail(why, Failure::kNoMatch,
              has_scrypt ? "no identity matches: wrong passphrase"
                         : "no identity matches: the file was not sealed to this key");
}

void chunk_nonce(uint8_t n[12], uint64_t counter, bool last) {
  std::memset(n, 0, 12);
  for (int i = 0; i < 8; ++i) n[10 - i] = static_cast<uint8_t>(counter >> (8 * i));
  n[11] = last ? 1 : 0;
}

// The header for STANZAS, MACed with FILE_KEY, and a fresh payload nonce;
// sets KEY to the payload key.
std::string make_header(const std::vector<Stanza>& stanzas, const uint8_t file_key[16],
                        detail::PayloadKey& key) {
  std::string h = std::string(kIntro) + "\n";
  for (const auto& s : stanzas) append_stanza(h, s);
  h += "---";
  uint8_t hmac_key[32], mac[32];
  crypto::Wipe wipe{{{hmac_key, sizeof hmac_key}}};
  hkdf_sha256_32(hmac_key, file_key, 16, nullptr, 0, "header");
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, hmac_key, sizeof hmac_key);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const uint8_t*>(h.data()), h.size());
  crypto_auth_hmacsha256_final(&st, mac);
  h += " " + b64_encode(mac, 32, false) + "\n";
  uint8_t nonce[16];
  randombytes_buf(nonce, sizeof nonce);
  h.append(reinterpret_cast<const char*>(nonce), sizeof nonce);
  hkdf_sha256_32(key.key, file_key, 16, nonce, sizeof nonce, "payload");
  return h;
}

// Header, nonce and payload, written to OUT.
Status encrypt_with(Source& in, Sink& raw_out, const std::vector<Stanza>& stanzas,
                    const uint8_t file_key[16], const EncryptOptions& opt) {
  ArmorSink armor(raw_out);
  Sink& out = opt.armor ? static_cast<Sink&>(armor) : raw_out;
  if (opt.armor) SF_TRY(armor.begin());
  detail::PayloadKey key;
  std::string h = make_header(stanzas, file_key, key);
  SF_TRY(out.write(h.data(), h.size()));

  // Two plaintext buffers: the chunk that reaches end of input is the last,
  // even when it is a full 64 KiB, so each chunk is read one ahead.
  std::vector<uint8_t> a(kChunk), b(kChunk), enc(kEncChunk);
  crypto::ChaCha20Poly1305 aead;
  Reader reader(in);
  auto first = reader.read(a.data(), kChunk);
  if (!first) return std::move(first).error();
  size_t cur_len = *first;
  uint64_t counter = 0;
  for (;;) {
    size_t next_len = 0;
    if (cur_len == kChunk) {
      auto r = reader.read(b.data(), kChunk);
      if (!r) return std::move(r).error();
      next_len = *r;
    }
    bool last = next_len == 0;
    SF_TRY(detail::seal_chunk(aead, key, counter, last, a.data(), cur_len, enc.data()));
    SF_TRY(out.write(enc.data(), cur_len + kTag));
    if (last) break;
    if ((counter & 15) == 0 && interrupted()) return Error(Errc::kInterrupted, "interrupted");
    std::swap(a, b);
    cur_len = next_len;
    ++counter;
  }
  sodium_memzero(a.data(), a.size());
  sodium_memzero(b.data(), b.size());
  if (opt.armor) SF_TRY(armor.finish());
  return Ok{};
}

std::vector<Stanza> x25519_stanzas(const std::vector<Recipient>& to, const uint8_t file_key[16]) {
  std::vector<Stanza> stanzas;
  for (const auto& r : to) stanzas.push_back(x25519_stanza(r, file_key));
  return stanzas;
}

// Everything before the first chunk of a binary file: the header, checked
// and MACed, and the payload nonce. Sets KEY to the payload key.
Status begin_payload(Reader& in, const DecryptOptions& opt, detail::PayloadKey& key, Failure* why) {
  auto io = [&](Error e) {
    if (*why == Failure::kNone) *why = Failure::kIo;
    return e;
  };
  auto header = parse_header(in, why);
  if (!header) return io(std::move(header).error());
  SF_TRY(check_stanzas(*header, opt.max_scrypt_log_n, why));
  uint8_t nonce[16];
  {
    auto r = in.read(nonce, sizeof nonce);
    if (!r) return io(std::move(r).error());
    if (*r != sizeof nonce)
      return fail(why, Failure::kHeader, "header failure: the payload nonce is missing or short");
  }

  uint8_t file_key[16], hmac_key[32], mac[32];
  crypto::Wipe wipe{{{file_key, 16}, {hmac_key, 32}}};
  if (auto u = unwrap(*header, opt, file_key, why); !u) return io(u.error());
  hkdf_sha256_32(hmac_key, file_key, 16, nullptr, 0, "header");
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, hmac_key, sizeof hmac_key);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const uint8_t*>(header->mac_input.data()),
                                header->mac_input.size());
  crypto_auth_hmacsha256_final(&st, mac);
  if (sodium_memcmp(mac, header->mac.data(), 32) != 0) {
    return fail(why, Failure::kHmac, "header mac mismatch: the file was altered");
  }
  hkdf_sha256_32(key.key, file_key, 16, nonce, sizeof nonce, "payload");
  return Ok{};
}

}  // namespace

// ---------------------------------------------------------------- keys

Result<Recipient> Recipient::parse(std::string_view text) {
  while (!text.empty() && is_space(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && is_space(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  auto b = bech32_decode(text);
  if (!b || b->hrp != "age" || b->data.size() != 32) {
    return invalid_input("'" + std::string(text.substr(0, 80)) +
                         "' is not an age recipient (age1...)");
  }
  for (char c : text) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      return invalid_input("an age recipient is written in lower case");
    }
  }
  Recipient r;
  std::memcpy(r.public_key.data(), b->data.data(), 32);
  uint8_t zero[32] = {0};
  uint8_t probe[32], shared[32];
  crypto::ensure_sodium();
  // A low-order point would make every file key readable: refuse it here.
  randombytes_buf(probe, sizeof probe);
  if (crypto_scalarmult(shared, probe, r.public_key.data()) != 0 ||
      sodium_memcmp(shared, zero, 32) == 0) {
    return invalid_input("the age recipient is not a usable X25519 key");
  }
  return r;
}

std::string Recipient::to_string() const {
  return bech32_encode("age", public_key.data(), public_key.size(), false);
}

Identity Identity::generate() {
  crypto::ensure_sodium();
  Identity id;
  randombytes_buf(id.secret_.data(), id.secret_.size());
  return id;
}

Result<Identity> Identity::parse(std::string_view text) {
  auto b = bech32_decode(text);
  if (!b || b->hrp != "age-secret-key-" || b->data.size() != 32) {
    return invalid_input("not an age identity (AGE-SECRET-KEY-1...)");
  }
  Identity id;
  std::memcpy(id.secret_.data(), b->data.data(), 32);
  sodium_memzero(b->data.data(), b->data.size());
  return id;
}

Identity::~Identity() { sodium_memzero(secret_.data(), secret_.size()); }

std::string Identity::to_string() const {
  return bech32_encode("AGE-SECRET-KEY-", secret_.data(), secret_.size(), true);
}

Recipient Identity::recipient() const {
  crypto::ensure_sodium();
  Recipient r;
  crypto_scalarmult_base(r.public_key.data(), secret_.data());
  return r;
}

Result<std::vector<Identity>> parse_identity_file(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Identity> out;
  size_t lineno = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    auto id = Identity::parse(line);
    if (!id) return invalid_input("line " + std::to_string(lineno) + ": " + id.error().message);
    out.push_back(std::move(*id));
  }
  if (out.empty()) return invalid_input("no identity in the file");
  return out;
}

std::string format_identity_file(const Identity& id, const std::string& created_rfc3339) {
  return "# created: " + created_rfc3339 + "\n# public key: " + id.recipient().to_string() + "\n" +
         id.to_string() + "\n";
}

bool looks_like_age(std::string_view data) {
  constexpr std::string_view kBinaryStart = "age-encryption.org/";
  if (data.substr(0, kBinaryStart.size()) == kBinaryStart) return true;
  size_t i = 0;
  while (i < data.size() && i <= kMaxWhitespace && is_space(static_cast<unsigned char>(data[i])))
    ++i;
  return data.substr(i, kArmorBegin.size()) == kArmorBegin;
}

// ---------------------------------------------------------------- encrypt

Status encrypt(Source& in, Sink& out, const std::vector<Recipient>& to, const EncryptOptions& opt) {
  crypto::ensure_sodium();
  if (to.empty()) return invalid_input("no recipient to encrypt to");
  uint8_t file_key[16];
  randombytes_buf(file_key, sizeof file_key);
  crypto::Wipe wipe{{{file_key, sizeof file_key}}};
  return encrypt_with(in, out, x25519_stanzas(to, file_key), file_key, opt);
}

Status encrypt_passphrase(Source& in, Sink& out, std::string_view passphrase,
                          const EncryptOptions& opt) {
  crypto::ensure_sodium();
  if (passphrase.empty()) return invalid_input("an empty passphrase is not allowed");
  uint8_t file_key[16], salt[16], wrap[32];
  randombytes_buf(file_key, sizeof file_key);
  randombytes_buf(salt, sizeof salt);
  crypto::Wipe wipe{{{file_key, sizeof file_key}, {wrap, sizeof wrap}}};
  SF_TRY(scrypt_key(passphrase, std::string(reinterpret_cast<char*>(salt), 16), opt.scrypt_log_n,
                    wrap));
  Stanza s;
  s.args = {"scrypt", b64_encode(salt, 16, false), std::to_string(opt.scrypt_log_n)};
  s.body = wrap_file_key(wrap, file_key);
  return encrypt_with(in, out, {s}, file_key, opt);
}

// ---------------------------------------------------------------- decrypt

Status decrypt(Source& src, Sink& out, const DecryptOptions& opt, Failure* why) {
  crypto::ensure_sodium();
  Failure local = Failure::kNone;
  if (!why) why = &local;
  *why = Failure::kNone;
  auto io = [&](Error e) {
    if (*why == Failure::kNone) *why = Failure::kIo;
    return e;
  };

  Reader raw(src);
  // A binary age file starts with "age-encryption.org/"; anything else that
  // is not empty is read as armor (whitespace may precede the BEGIN line).
  std::optional<ArmorSource> armor;
  std::optional<Reader> armored_reader;
  Reader* in = &raw;
  {
    constexpr std::string_view kBinaryStart = "age-encryption.org/";
    auto r = raw.ensure(kBinaryStart.size());
    if (!r) return io(std::move(r).error());
    std::string_view a = raw.available();
    if (!a.empty() && a.substr(0, kBinaryStart.size()) != kBinaryStart) {
      armor.emplace(raw, why);
      if (auto b = armor->begin(); !b) return *why == Failure::kNone ? io(b.error()) : b.error();
      armored_reader.emplace(*armor);
      in = &*armored_reader;
    }
  }
  auto pass = [&](Error e) { return *why == Failure::kNone ? io(std::move(e)) : e; };

  detail::PayloadKey key;
  SF_TRY(begin_payload(*in, opt, key, why));

  auto pf = [&](const std::string& m) {
    return fail(why, Failure::kPayload, "payload failure: " + m);
  };
  // As age does: a short chunk must be the last; a full chunk is opened as
  // a middle chunk first and, failing that, as the last one. The chunk is
  // released once it verifies, and what follows is checked after (so the
  // released plaintext matches the vectors' payload hashes).
  std::vector<uint8_t> enc(kEncChunk), plain(kChunk);
  crypto::ChaCha20Poly1305 aead;
  for (uint64_t counter = 0;; ++counter) {
    auto r = in->read(enc.data(), kEncChunk);
    if (!r) return pass(std::move(r).error());
    size_t n = *r;
    if (n == 0) {
      return pf(counter == 0 ? "no data after the header"
                             : "the file is truncated (no final chunk)");
    }
    if (n < kTag) return pf("the file is truncated (chunk shorter than its tag)");
    bool last = n < kEncChunk;
    if (last && n == kTag && counter > 0) return pf("empty final chunk");
    auto ok = detail::open_chunk(aead, key, counter, last, enc.data(), n, plain.data());
    if (ok && !*ok && !last) {
      last = true;
      ok = detail::open_chunk(aead, key, counter, true, enc.data(), n, plain.data());
    }
    if (!ok) return std::move(ok).error();
    if (!*ok) {
      return pf("chunk " + std::to_string(counter) +
                " does not verify (altered or truncated file)");
    }
    if (auto w = out.write(plain.data(), n - kTag); !w) return io(w.error());
    if (last) break;
    if ((counter & 15) == 0 && interrupted()) return Error(Errc::kInterrupted, "interrupted");
  }
  sodium_memzero(plain.data(), plain.size());
  // Drain the source: trailing data inside an armor is a payload failure, and
  // the armor's end is checked only once it is read.
  auto e = in->at_end();
  if (!e) return pass(std::move(e).error());
  if (!*e) return pf("data after the final chunk");
  return Ok{};
}

// ---------------------------------------------------------------- detail

namespace detail {

PayloadKey::~PayloadKey() { sodium_memzero(key, sizeof key); }

Status seal_chunk(crypto::ChaCha20Poly1305& aead, const PayloadKey& k, uint64_t counter, bool last,
                  const uint8_t* in, size_t n, uint8_t* out) {
  uint8_t n12[12];
  chunk_nonce(n12, counter, last);
  return aead.seal(k.key, n12, in, n, out);
}

Result<bool> open_chunk(crypto::ChaCha20Poly1305& aead, const PayloadKey& k, uint64_t counter,
                        bool last, const uint8_t* in, size_t n, uint8_t* out) {
  uint8_t n12[12];
  chunk_nonce(n12, counter, last);
  return aead.open(k.key, n12, in, n, out);
}

std::string begin_encrypt(const std::vector<Recipient>& to, PayloadKey& key) {
  crypto::ensure_sodium();
  uint8_t file_key[16];
  randombytes_buf(file_key, sizeof file_key);
  crypto::Wipe wipe{{{file_key, sizeof file_key}}};
  return make_header(x25519_stanzas(to, file_key), file_key, key);
}

Status begin_decrypt(Source& src, const DecryptOptions& opt, PayloadKey& key, std::string& rest,
                     Failure* why) {
  crypto::ensure_sodium();
  Failure local = Failure::kNone;
  if (!why) why = &local;
  *why = Failure::kNone;
  Reader in(src);
  SF_TRY(begin_payload(in, opt, key, why));
  rest.append(in.available());
  return Ok{};
}

}  // namespace detail

}  // namespace sfcohort::age

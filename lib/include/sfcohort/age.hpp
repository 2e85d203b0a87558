// age v1 files (age-encryption.org/v1), written and read so that the standard
// `age` tool is the other side: X25519 recipients (any number per file),
// scrypt passphrases, the ASCII armor, and the STREAM payload in 64 KiB
// chunks. Memory use is constant whatever the file size: a few 64 KiB buffers.
//
// Decryption is strict: the header grammar, canonical base64, the header MAC
// and every chunk tag are checked, and plaintext reaches the sink only chunk
// by chunk after that chunk's tag has verified. A caller that must not leave
// partial output behind writes to an AtomicFile and commits only on success.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "sfcohort/result.hpp"

namespace sfcohort::age {

// A byte stream read in order. read() returns how many bytes it stored (fewer
// than N only at the end of the stream, 0 at the end).
class Source {
 public:
  virtual ~Source() = default;
  virtual Result<size_t> read(void* buf, size_t n) = 0;
};

// A byte stream written in order.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status write(const void* p, size_t n) = 0;
};

// Reads a stdio stream it does not own; NAME is used in error messages. A
// regular file is read with the kernel's sequential read-ahead.
class FileSource : public Source {
 public:
  FileSource(std::FILE* f, std::string name) : f_(f), name_(std::move(name)) {}
  Result<size_t> read(void* buf, size_t n) override;

 private:
  std::FILE* f_;
  std::string name_;
  bool advised_ = false;
};

// Writes to a stdio stream it does not own.
class FileSink : public Sink {
 public:
  FileSink(std::FILE* f, std::string name) : f_(f), name_(std::move(name)) {}
  Status write(const void* p, size_t n) override;

 private:
  std::FILE* f_;
  std::string name_;
};

class StringSource : public Source {
 public:
  explicit StringSource(std::string_view s) : s_(s) {}
  Result<size_t> read(void* buf, size_t n) override;

 private:
  std::string_view s_;
};

class StringSink : public Sink {
 public:
  Status write(const void* p, size_t n) override {
    data.append(static_cast<const char*>(p), n);
    return Ok{};
  }
  std::string data;
};

// Bech32 (BIP 173 checksum, no length limit), as age uses for keys.
struct Bech32 {
  std::string hrp;  // lower case
  std::vector<uint8_t> data;
};
std::string bech32_encode(std::string_view hrp, const uint8_t* data, size_t n, bool upper);
// Rejects mixed case, a bad checksum and non-zero padding (Errc::kInvalidInput).
Result<Bech32> bech32_decode(std::string_view s);

using Key32 = std::array<uint8_t, 32>;

// An X25519 recipient: "age1..." (62 characters, lower case).
struct Recipient {
  Key32 public_key{};

  // Accepts exactly one age1... recipient (surrounding spaces ignored).
  static Result<Recipient> parse(std::string_view text);
  std::string to_string() const;
  bool operator==(const Recipient& o) const { return public_key == o.public_key; }
};

// An X25519 identity: "AGE-SECRET-KEY-1..." (74 characters, upper case).
// The secret is wiped when the object is destroyed.
class Identity {
 public:
  static Identity generate();
  static Result<Identity> parse(std::string_view text);
  Identity(const Identity&) = default;
  Identity& operator=(const Identity&) = default;
  ~Identity();

  std::string to_string() const;
  Recipient recipient() const;
  const Key32& secret() const { return secret_; }

 private:
  Identity() = default;
  Key32 secret_{};
};

// Reads an identity file in age-keygen's format: one AGE-SECRET-KEY-1 line per
// identity; empty lines and '#' lines are skipped; CRLF and a UTF-8 byte-order
// mark are accepted. No identity, or a line that is not one: kInvalidInput.
Result<std::vector<Identity>> parse_identity_file(std::string_view text);
// age-keygen's layout: "# created: ...", "# public key: age1...", the key.
std::string format_identity_file(const Identity& id, const std::string& created_rfc3339);

// Why a decryption failed, in the terms of the C2SP test vectors.
enum class Failure { kNone, kArmor, kHeader, kNoMatch, kHmac, kPayload, kIo };

struct EncryptOptions {
  bool armor = false;
  int scrypt_log_n = 18;  // the work factor written for passphrase files (age writes 18)
};

// Encrypts IN to every recipient in TO (at least one).
Status encrypt(Source& in, Sink& out, const std::vector<Recipient>& to,
               const EncryptOptions& opt = {});
// Encrypts IN with a passphrase (scrypt stanza). An empty passphrase is refused.
Status encrypt_passphrase(Source& in, Sink& out, std::string_view passphrase,
                          const EncryptOptions& opt = {});

struct DecryptOptions {
  std::vector<Identity> identities;
  std::vector<std::string> passphrases;  // tried on an scrypt stanza
  int max_scrypt_log_n = 22;             // age's own limit: 2^22 needs 4 GiB
};

// Decrypts IN (binary or armored, detected from the first bytes) into OUT.
// Errors: Errc::kCrypto with "armor failure: ...", "header failure: ...",
// "no identity matches ...", "header mac mismatch ...", "payload failure: ...";
// the source's and sink's own errors pass through. WHY, when given, is set to
// the kind of failure (kNone on success).
Status decrypt(Source& in, Sink& out, const DecryptOptions& opt, Failure* why = nullptr);

// True when DATA (a file's first 1,100 bytes, or all of a shorter file)
// starts like an age file: binary, or armored after optional whitespace.
bool looks_like_age(std::string_view data);

}  // namespace sfcohort::age

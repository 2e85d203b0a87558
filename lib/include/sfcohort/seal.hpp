// Sealed files: an age file plus a detached minisign signature of that file
// (FILE.minisig), the form partners open with the standard `age` and
// `minisign` tools. Sealing hashes the ciphertext for the signature while
// other CPUs encrypt; opening hashes and decrypts in parallel and keeps the
// plaintext only when both the age file and the signature verify. Output
// files are flushed to disk as they are written and fsynced before they are
// renamed into place. Memory use is constant (about 20 MiB) for any file size.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/age.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/minisign.hpp"
#include "sfcohort/result.hpp"

namespace sfcohort::seal {

struct SealOptions {
  bool armor = false;
  // The signature's trusted comment (one line, no personal data). Empty:
  // minisign's own form, "timestamp:<unix>\tfile:<basename>\thashed".
  std::string trusted_comment;
  unsigned mode = 0644;  // of the sealed file and its signature
};

struct Sealed;
struct Opened;
// Called once everything is written and verified, just before the output is
// renamed into place: a failure here (e.g. the audit entry cannot be
// written) leaves no output. Used to record the exchange in the audit trail.
using SealCommit = std::function<Status(const Sealed&)>;
using OpenCommit = std::function<Status(const Opened&)>;

struct Sealed {
  std::string path;            // the age file
  std::string signature_path;  // PATH.minisig
  std::string blake2b;         // hex BLAKE2b-512 of the age file (what `b2sum` prints)
  uint64_t plaintext_bytes = 0;
  uint64_t sealed_bytes = 0;
};

// Encrypts IN to every recipient in TO, writes OUT_PATH and OUT_PATH.minisig
// signed with SIGNER. Both are written to temporary files and renamed only
// when everything succeeded.
Result<Sealed> seal(age::Source& in, const std::string& out_path,
                    const std::vector<age::Recipient>& to, const minisign::SecretKey& signer,
                    const SealOptions& opt = {}, const SealCommit& before_commit = {});
// The same for a file (IN_PATH unreadable: Errc::kEnvironment).
Result<Sealed> seal_file(const std::string& in_path, const std::string& out_path,
                         const std::vector<age::Recipient>& to, const minisign::SecretKey& signer,
                         const SealOptions& opt = {}, const SealCommit& before_commit = {});

struct OpenOptions {
  age::DecryptOptions decrypt;  // the team identity and/or passphrases
  bool verify = true;           // false: --no-verify
  // The keys a valid signature may come from (the partner, or every
  // registered partner); the signature's key id picks one.
  std::vector<minisign::PublicKey> signers;
  std::string signer_name;     // for messages: the partner expected ("" = any registered)
  std::string signature_path;  // default: IN_PATH + ".minisig"
};

struct Opened {
  std::string blake2b;  // hex BLAKE2b-512 of the age file as read
  bool verified = false;
  std::optional<size_t> signer;  // index into OpenOptions::signers
  std::string trusted_comment;
  uint64_t sealed_bytes = 0;
  uint64_t plaintext_bytes = 0;
};

// Opens IN_PATH into OUT_PATH ("-" for standard output: written as it is
// decrypted, so a failure there is reported only after output began; use a
// file when that matters). With a file, nothing is left behind on failure.
// Failures of the age file or the signature are Errc::kCrypto with a message
// saying which; the signature is checked before the decryption is committed.
Result<Opened> open_file(const std::string& in_path, const std::string& out_path,
                         const OpenOptions& opt, const OpenCommit& before_commit = {});

// Opens IN_PATH into SINK. SINK receives plaintext as it is decrypted; the
// caller must discard it unless this returns a value.
Result<Opened> open_to_sink(const std::string& in_path, age::Sink& sink, const OpenOptions& opt);

// A private temporary file (mode 0600, under $TMPDIR or /tmp) holding an
// opened file's plaintext; removed when this object is destroyed. For
// commands that read a sealed input by path (lookup --batch).
class TempPlaintext {
 public:
  TempPlaintext(TempPlaintext&& o) noexcept = default;
  TempPlaintext& operator=(TempPlaintext&&) = delete;
  const std::string& path() const { return file_.path(); }

 private:
  friend Result<std::pair<TempPlaintext, Opened>> open_to_temp(const std::string&,
                                                               const OpenOptions&);
  explicit TempPlaintext(TempFile f) : file_(std::move(f)) {}
  TempFile file_;
};
Result<std::pair<TempPlaintext, Opened>> open_to_temp(const std::string& in_path,
                                                      const OpenOptions& opt);

}  // namespace sfcohort::seal

// Seal and open: age + minisign. The age file is encrypted or decrypted on
// every CPU while one thread at a time hashes it for the signature
// (crypto/age_pipeline.hpp), so a sealed 1 GiB file costs about one pass of
// the hash. Both are OpenSSL's libcrypto, reviewed and widely deployed code
// rather than our own: ChaCha20-Poly1305 for age's payload (crypto/chacha20.hpp)
// and BLAKE2b-512 for minisign's prehash (crypto/blake2b.hpp). libsodium
// does the rest (X25519, Ed25519, scrypt, HMAC, randomness).
//
// Durability differs by what is written. An opened file is plaintext, and
// after a crash a short file could be taken for the whole: it is flushed to
// disk as it is written and fsynced before the rename. A sealed file is
// left to the kernel's writeback, as age leaves it: the rename still shows
// readers the whole file or nothing, and if a crash leaves it short, age
// refuses it as truncated and minisign as altered, so the damage cannot go
// unnoticed; sealing again makes it afresh. Waiting for the disk would cost
// a sealed 1 GiB file about 0.1 s on the machine in BENCHMARKS.md, whose disk
// takes 1.1 GB/s.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "crypto/age_pipeline.hpp"
#include "crypto/blake2b.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/seal.hpp"

namespace sfcohort::seal {
namespace {

// AtomicFile::commit() fsyncs before the rename, and for a large file that
// wait would be most of the run: the disk gets the whole file at the end.
// Instead, writeback of every few MiB starts as soon as they are written
// (sync_file_range, which queues the writes without waiting for them), and
// every 16 MiB an fdatasync on a thread of its own, which waits for the disk
// rather than the CPU, makes the disk persist what it has. The final fsync
// then waits only for the last few MiB.
class WriteBehind {
 public:
  WriteBehind(std::FILE* f, std::string path) : path_(std::move(path)) {
    struct stat st;
    if (f && ::fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) fd_ = fileno(f);
  }
  ~WriteBehind() { (void)stop(); }
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  // N more bytes were handed to the file. Calls must not overlap.
  void wrote(size_t n) {
    if (fd_ < 0) return;
    written_ += n;
    if (written_ - started_ < kStep) return;
#ifdef SYNC_FILE_RANGE_WRITE
    // The last few KiB may still be in the stdio buffer: asking for them early is harmless.
    ::sync_file_range(fd_, static_cast<off_t>(started_), static_cast<off_t>(written_ - started_),
                      SYNC_FILE_RANGE_WRITE);
#endif
    started_ = written_;
    if (written_ - sync_asked_ < kSyncStep) return;
    ask_sync();
  }

  // Everything was written: starts the writeback and flush of the rest now,
  // so that they overlap whatever the caller does before the final fsync.
  // Files too small to have been flushed behind are left to that fsync.
  void drain(std::FILE* f) {
    if (fd_ < 0 || sync_asked_ == 0 || written_ == sync_asked_) return;
    if (std::fflush(f) != 0) return;  // the error surfaces at commit
#ifdef SYNC_FILE_RANGE_WRITE
    ::sync_file_range(fd_, static_cast<off_t>(started_), 0, SYNC_FILE_RANGE_WRITE);  // to the end
#endif
    started_ = written_;
    ask_sync();
  }

  // Waits for the thread. An fdatasync failure is returned here: the kernel
  // reports a write error once per open file, so the final fsync would not
  // see it again.
  Status stop() {
    {
      std::lock_guard<std::mutex> l(m_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
    if (error_) {
      errno = error_;
      return errno_error(path_, "cannot write");
    }
    return Ok{};
  }

 private:
  static constexpr uint64_t kStep = 4 << 20;
  static constexpr uint64_t kSyncStep = 16 << 20;

  void ask_sync() {
    sync_asked_ = written_;
    {
      std::lock_guard<std::mutex> l(m_);
      if (stopping_) return;
      sync_wanted_ = true;
      if (!thread_.joinable()) {
        try {
          thread_ = std::thread([this] { run(); });
        } catch (const std::system_error&) {
          fd_ = -1;  // the final fsync does it all
          return;
        }
      }
    }
    cv_.notify_one();
  }

  void run() {
    std::unique_lock<std::mutex> l(m_);
    for (;;) {
      cv_.wait(l, [&] { return stopping_ || sync_wanted_; });
      if (stopping_) return;
      sync_wanted_ = false;
      l.unlock();
      const int err = ::fdatasync(fd_) == 0 ? 0 : errno;
      l.lock();
      if (err && !error_) error_ = err;
    }
  }

  std::string path_;
  int fd_ = -1;
  uint64_t written_ = 0, started_ = 0, sync_asked_ = 0;  // the writer's own
  std::mutex m_;
  std::condition_variable cv_;
  bool sync_wanted_ = false, stopping_ = false;
  int error_ = 0;
  std::thread thread_;
};

// An AtomicFile as an age sink; if DURABLE, flushed behind as it is written
// and fsynced before the rename.
class AtomicSink : public age::Sink {
 public:
  AtomicSink(AtomicFile& f, bool durable)
      : f_(f), durable_(durable), behind_(durable ? f.stream() : nullptr, f.path()) {}
  Status write(const void* p, size_t n) override {
    SF_TRY(f_.write(p, n));
    behind_.wrote(n);
    return Ok{};
  }
  // Once everything is written: starts flushing the rest to disk.
  void drain() { behind_.drain(f_.stream()); }
  // Once everything is written and checked: renames the file into place.
  Status commit() {
    SF_TRY(behind_.stop());
    return f_.commit(durable_);
  }

 private:
  AtomicFile& f_;
  const bool durable_;
  WriteBehind behind_;
};

class CountingSource : public age::Source {
 public:
  explicit CountingSource(age::Source& in) : in_(in) {}
  Result<size_t> read(void* buf, size_t n) override {
    auto r = in_.read(buf, n);
    if (r) bytes += *r;
    return r;
  }
  uint64_t bytes = 0;

 private:
  age::Source& in_;
};

class CountingSink : public age::Sink {
 public:
  explicit CountingSink(age::Sink& out) : out_(out) {}
  Status write(const void* p, size_t n) override {
    bytes += n;
    return out_.write(p, n);
  }
  uint64_t bytes = 0;

 private:
  age::Sink& out_;
};

// The signature's hash of the age file, and its length.
struct FileHash {
  minisign::detail::Blake2b512 hash;
  uint64_t bytes = 0;
  age::Observer observer() {
    return [this](const uint8_t* p, size_t n) {
      hash.update(p, n);
      bytes += n;
    };
  }
  Result<minisign::Hash64> finish() {
    minisign::Hash64 h;
    SF_TRY(hash.finish(h.data()));
    return h;
  }
};

std::string hex(const minisign::Hash64& h) { return to_hex(h.data(), h.size()); }

std::string default_comment(const std::string& path) {
  return "timestamp:" + std::to_string(static_cast<long long>(std::time(nullptr))) +
         "\tfile:" + std::filesystem::path(path).filename().string() + "\thashed";
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

Result<FilePtr> open_read(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return environment_error(path + ": is a directory");
  }
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) return errno_error(path, "cannot read");
  return f;
}

// Reads the signature and picks the signer by key id (before any work).
struct SigCheck {
  std::string text;
  std::optional<size_t> signer;
};
Result<SigCheck> read_signature(const std::string& in_path, const OpenOptions& opt) {
  SigCheck c;
  if (!opt.verify) return c;
  std::string sig_path = opt.signature_path.empty() ? in_path + ".minisig" : opt.signature_path;
  if (!file_exists(sig_path)) {
    return Error(Errc::kCrypto, sig_path + ": no signature: the file's sender cannot be checked",
                 {"ask the sender for " + std::filesystem::path(sig_path).filename().string() +
                  " (minisign -S), or use --no-verify if you have checked the file another way"});
  }
  auto text = read_file(sig_path);
  if (!text) return std::move(text).error();
  auto id = minisign::signature_key_id(*text);
  if (!id) return id.error().with_context(sig_path);
  for (size_t i = 0; i < opt.signers.size(); ++i) {
    if (opt.signers[i].key_id == *id) c.signer = i;
  }
  if (!c.signer) {
    minisign::PublicKey k;
    k.key_id = *id;
    return Error(
        Errc::kCrypto,
        sig_path + ": signed with key " + k.key_id_hex() + ", which is " +
            (opt.signer_name.empty() ? std::string("not in the partner register")
                                     : "not the signing key of partner '" + opt.signer_name + "'"),
        {"record the partner's key with 'sfcohort share partner update NAME --sign-key RW...'"});
  }
  c.text = std::move(*text);
  return c;
}

Status check_signature(const std::string& in_path, const OpenOptions& opt, const SigCheck& sig,
                       const minisign::Hash64& h, Opened& o) {
  if (!opt.verify) return Ok{};
  std::string sig_path = opt.signature_path.empty() ? in_path + ".minisig" : opt.signature_path;
  auto tc = minisign::verify(opt.signers[*sig.signer], h, sig.text);
  if (!tc) return tc.error().with_context(sig_path);
  o.verified = true;
  o.signer = sig.signer;
  o.trusted_comment = std::move(*tc);
  return Ok{};
}

}  // namespace

Result<Sealed> seal(age::Source& in, const std::string& out_path,
                    const std::vector<age::Recipient>& to, const minisign::SecretKey& signer,
                    const SealOptions& opt, const SealCommit& before_commit) {
  if (to.empty()) return invalid_input("no recipient to seal to");
  std::string comment =
      opt.trusted_comment.empty() ? default_comment(out_path) : opt.trusted_comment;
  if (comment.find_first_of("\r\n") != std::string::npos) {
    return internal_error("a trusted comment must be one line");
  }
  auto out = AtomicFile::create(out_path, opt.mode);
  if (!out) return std::move(out).error();
  Sealed s;
  s.path = out_path;
  s.signature_path = out_path + ".minisig";
  CountingSource counted(in);
  FileHash fh;
  AtomicSink sink(*out, false);
  age::EncryptOptions eo;
  eo.armor = opt.armor;
  SF_TRY(age::encrypt_pipelined(counted, sink, to, eo, fh.observer()));
  auto digest = fh.finish();
  if (!digest) return std::move(digest).error();
  const minisign::Hash64 h = *digest;
  s.sealed_bytes = fh.bytes;
  s.plaintext_bytes = counted.bytes;
  s.blake2b = hex(h);
  auto sig = AtomicFile::create(s.signature_path, opt.mode);
  if (!sig) return std::move(sig).error();
  SF_TRY(sig->write(signer.sign(h, comment)));
  if (before_commit) SF_TRY(before_commit(s));
  SF_TRY(sink.commit());
  if (auto c = sig->commit(false); !c) {
    ::unlink(out_path.c_str());  // never a sealed file without its signature
    return c.error();
  }
  return s;
}

Result<Sealed> seal_file(const std::string& in_path, const std::string& out_path,
                         const std::vector<age::Recipient>& to, const minisign::SecretKey& signer,
                         const SealOptions& opt, const SealCommit& before_commit) {
  auto f = open_read(in_path);
  if (!f) return std::move(f).error();
  age::FileSource src(f->get(), in_path);
  return seal(src, out_path, to, signer, opt, before_commit);
}

// Decrypts the age file F (named IN_PATH in messages) into SINK, hashing
// the bytes as they are read for the signature SIG.
Result<Opened> decrypt_stream(std::FILE* f, const std::string& in_path, age::Sink& sink,
                              const OpenOptions& opt, const SigCheck& sig) {
  Opened o;
  age::FileSource src(f, in_path);
  CountingSink counted(sink);
  FileHash fh;
  if (auto r = age::decrypt_pipelined(src, counted, opt.decrypt, fh.observer()); !r) {
    return r.error().code == Errc::kCrypto ? r.error().with_context(in_path) : r.error();
  }
  auto digest = fh.finish();
  if (!digest) return std::move(digest).error();
  const minisign::Hash64 h = *digest;
  o.blake2b = hex(h);
  o.sealed_bytes = fh.bytes;
  o.plaintext_bytes = counted.bytes;
  SF_TRY(check_signature(in_path, opt, sig, h, o));
  return o;
}

Result<Opened> open_to_sink(const std::string& in_path, age::Sink& sink, const OpenOptions& opt) {
  auto sig = read_signature(in_path, opt);
  if (!sig) return std::move(sig).error();
  auto f = open_read(in_path);
  if (!f) return std::move(f).error();
  return decrypt_stream(f->get(), in_path, sink, opt, *sig);
}

// Standard output cannot be taken back, so the signature is checked before
// anything is released: the file is opened once, hashed and checked, then
// decrypted from the same descriptor (a file renamed over the path in
// between is not read), and the bytes decrypted must hash to what was
// checked. A pipe cannot be read twice: refused unless the signature is
// not checked.
Result<Opened> open_to_stdout(const std::string& in_path, const OpenOptions& opt) {
  auto sig = read_signature(in_path, opt);
  if (!sig) return std::move(sig).error();
  auto f = open_read(in_path);
  if (!f) return std::move(f).error();
  Opened pre;
  OpenOptions rest = opt;
  if (opt.verify) {
    struct stat st {};
    if (::fstat(::fileno(f->get()), &st) != 0 || !S_ISREG(st.st_mode)) {
      return Error(Errc::kInvalidInput,
                   in_path +
                       ": not a regular file, so its signature cannot be checked before "
                       "anything is written to standard output",
                   {"copy it to a file first, or write the plaintext to a file"});
    }
    minisign::Prehash h;
    std::vector<uint8_t> buf(1 << 20);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f->get())) > 0) h.update(buf.data(), n);
    if (std::ferror(f->get())) return errno_error(in_path, "cannot read");
    const minisign::Hash64 checked = h.finish();
    SF_TRY(check_signature(in_path, opt, *sig, checked, pre));
    if (std::fseek(f->get(), 0, SEEK_SET) != 0) return errno_error(in_path, "cannot read");
    rest.verify = false;
    age::FileSink out(stdout, "standard output");
    auto o = decrypt_stream(f->get(), in_path, out, rest, *sig);
    if (!o) return o;
    if (o->blake2b != hex(checked)) {
      return Error(Errc::kCrypto,
                   in_path +
                       ": the file changed while it was being opened: what was written "
                       "to standard output is not what was signed");
    }
    o->verified = pre.verified;
    o->signer = pre.signer;
    o->trusted_comment = pre.trusted_comment;
    return o;
  }
  age::FileSink out(stdout, "standard output");
  return decrypt_stream(f->get(), in_path, out, rest, *sig);
}

Result<Opened> open_file(const std::string& in_path, const std::string& out_path,
                         const OpenOptions& opt, const OpenCommit& before_commit) {
  if (out_path == "-") {
    auto o = open_to_stdout(in_path, opt);
    if (!o) return o;
    if (std::fflush(stdout) != 0) return errno_error("standard output", "cannot write");
    if (before_commit) SF_TRY(before_commit(*o));
    return o;
  }
  auto out = AtomicFile::create(out_path, 0600);
  if (!out) return std::move(out).error();
  AtomicSink sink(*out, true);
  auto o = open_to_sink(in_path, sink, opt);
  if (!o) return o;  // ~AtomicFile removes the temporary file
  sink.drain();
  if (before_commit) SF_TRY(before_commit(*o));
  // Only now: a flush still under way can finish while the above runs.
  SF_TRY(sink.commit());
  return o;
}

Result<std::pair<TempPlaintext, Opened>> open_to_temp(const std::string& in_path,
                                                      const OpenOptions& opt) {
  auto file = TempFile::create("", "sfcohort-open");
  if (!file) return file.error();
  const std::string tmpl = file->path();
  FilePtr f(file->stream());
  if (!f) return errno_error(tmpl, "cannot create a temporary file");
  TempPlaintext tmp(std::move(*file));
  age::FileSink sink(f.get(), tmpl);
  auto o = open_to_sink(in_path, sink, opt);
  if (!o) return std::move(o).error();
  if (std::fflush(f.get()) != 0) return errno_error(tmpl, "cannot write");
  return std::make_pair(std::move(tmp), std::move(*o));
}

}  // namespace sfcohort::seal

// Seal and open: age + minisign with the signature's hash (and the file I/O)
// on a second thread, so a sealed 1 GiB file costs about the larger of the
// two halves rather than their sum.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/seal.hpp"

namespace sfcohort::seal {
namespace {

// AtomicFile::commit() fsyncs; for a large file that is a long wait at the
// end. Starting writeback of each 16 MiB as it is written (without waiting)
// spreads the disk work over the run, so the final fsync has little left.
class EarlyWriteback {
 public:
  explicit EarlyWriteback(AtomicFile& f) : f_(f) {}
  void wrote(size_t n) {
    written_ += n;
    if (written_ - started_ < kStep || !f_.stream()) return;
    if (std::fflush(f_.stream()) != 0) return;  // the write error surfaces at commit
    int fd = fileno(f_.stream());
#ifdef SYNC_FILE_RANGE_WRITE
    ::sync_file_range(fd, static_cast<off_t>(started_), static_cast<off_t>(written_ - started_),
                      SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
#endif
    started_ = written_;
  }

 private:
  static constexpr uint64_t kStep = 16 << 20;
  AtomicFile& f_;
  uint64_t written_ = 0, started_ = 0;
};

// A fixed pool of blocks passed between the caller's thread and a worker,
// in order. Memory is kBlocks * kBlock whatever the file size.
class BlockRing {
 public:
  static constexpr size_t kBlock = 1 << 20;
  static constexpr size_t kBlocks = 4;

  BlockRing() : blocks_(kBlocks, std::vector<uint8_t>(kBlock)), len_(kBlocks) {
    for (size_t i = 0; i < kBlocks; ++i) free_.push_back(i);
  }
  uint8_t* data(size_t i) { return blocks_[i].data(); }
  size_t& len(size_t i) { return len_[i]; }

  // Takes a free block (waits); nullopt once stopped.
  std::optional<size_t> take_free() { return take(free_); }
  // Takes the next full block in order (waits); nullopt once the producer
  // finished and nothing is left, or once stopped.
  std::optional<size_t> take_full() { return take(full_); }
  void put_free(size_t i) { put(free_, i); }
  void put_full(size_t i) { put(full_, i); }
  // No more full blocks will come.
  void producer_done() {
    {
      std::lock_guard<std::mutex> l(m_);
      done_ = true;
    }
    cv_.notify_all();
  }
  // Wakes and releases both sides for good (errors, destruction).
  void stop() {
    {
      std::lock_guard<std::mutex> l(m_);
      stopped_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::optional<size_t> take(std::deque<size_t>& q) {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [&] { return stopped_ || !q.empty() || (&q == &full_ && done_); });
    if (stopped_ || q.empty()) return std::nullopt;
    size_t i = q.front();
    q.pop_front();
    return i;
  }
  void put(std::deque<size_t>& q, size_t i) {
    {
      std::lock_guard<std::mutex> l(m_);
      q.push_back(i);
    }
    cv_.notify_all();
  }

  std::vector<std::vector<uint8_t>> blocks_;
  std::vector<size_t> len_;
  std::deque<size_t> free_, full_;
  bool done_ = false, stopped_ = false;
  std::mutex m_;
  std::condition_variable cv_;
};

// Sealing: the caller's thread reads and encrypts into blocks; a worker
// hashes each block for the signature and writes it to the file. The two
// halves take about the same time, so a 1 GiB file costs about one of them.
class HashingSink : public age::Sink {
 public:
  explicit HashingSink(AtomicFile& out) : out_(out), writeback_(out) {
    worker_ = std::thread([this] { run(); });
  }
  ~HashingSink() override {
    ring_.stop();
    if (worker_.joinable()) worker_.join();
  }
  Status write(const void* p, size_t n) override {
    auto b = static_cast<const uint8_t*>(p);
    while (n) {
      if (!cur_) {
        cur_ = ring_.take_free();
        if (!cur_) return worker_error();
        fill_ = 0;
      }
      size_t k = std::min(n, BlockRing::kBlock - fill_);
      std::memcpy(ring_.data(*cur_) + fill_, b, k);
      fill_ += k;
      b += k;
      n -= k;
      if (fill_ == BlockRing::kBlock) hand_on();
    }
    return Ok{};
  }
  // Waits for the worker; the hash of everything written, or the write error.
  Result<minisign::Hash64> finish() {
    if (cur_ && fill_) hand_on();
    ring_.producer_done();
    worker_.join();
    if (!status_) return status_.error();
    return hash_.finish();
  }
  uint64_t bytes() const { return bytes_; }

 private:
  void hand_on() {
    ring_.len(*cur_) = fill_;
    ring_.put_full(*cur_);
    cur_.reset();
  }
  Status worker_error() {
    if (worker_.joinable()) worker_.join();
    return status_ ? Status(Error(Errc::kInternal, "the writer stopped")) : status_;
  }
  void run() {
    while (auto i = ring_.take_full()) {
      size_t n = ring_.len(*i);
      hash_.update(ring_.data(*i), n);
      status_ = out_.write(ring_.data(*i), n);
      if (!status_) {
        ring_.stop();
        return;
      }
      writeback_.wrote(n);
      bytes_ += n;
      ring_.put_free(*i);
    }
  }

  BlockRing ring_;
  AtomicFile& out_;
  EarlyWriteback writeback_;
  minisign::Prehash hash_;
  Status status_ = Ok{};
  std::optional<size_t> cur_;
  size_t fill_ = 0;
  uint64_t bytes_ = 0;
  std::thread worker_;
};

// Opening: a worker reads the file ahead and hashes it for the signature;
// the caller's thread decrypts exactly the bytes that were hashed.
class HashingSource : public age::Source {
 public:
  HashingSource(std::FILE* f, std::string name) : f_(f), name_(std::move(name)) {
    worker_ = std::thread([this] { run(); });
  }
  ~HashingSource() override {
    ring_.stop();
    if (worker_.joinable()) worker_.join();
  }
  Result<size_t> read(void* buf, size_t n) override {
    auto dst = static_cast<uint8_t*>(buf);
    size_t done = 0;
    while (done < n) {
      if (!cur_ || pos_ == ring_.len(*cur_)) {
        if (cur_) ring_.put_free(*cur_);
        cur_ = ring_.take_full();
        pos_ = 0;
        if (!cur_) {
          if (worker_.joinable()) worker_.join();
          if (!status_) return status_.error();
          break;
        }
        continue;
      }
      size_t k = std::min(n - done, ring_.len(*cur_) - pos_);
      std::memcpy(dst + done, ring_.data(*cur_) + pos_, k);
      pos_ += k;
      done += k;
    }
    return done;
  }
  // Lets the worker read to the end (nothing is left for a valid file) and
  // returns the hash of the whole file.
  Result<minisign::Hash64> finish() {
    if (cur_) ring_.put_free(*cur_);
    cur_.reset();
    while (auto i = ring_.take_full()) ring_.put_free(*i);
    if (worker_.joinable()) worker_.join();
    if (!status_) return status_.error();
    return hash_.finish();
  }
  uint64_t bytes() const { return bytes_; }

 private:
  void run() {
    for (;;) {
      auto i = ring_.take_free();
      if (!i) return;
      size_t n = std::fread(ring_.data(*i), 1, BlockRing::kBlock, f_);
      if (n < BlockRing::kBlock && std::ferror(f_)) {
        status_ = Error(Errc::kEnvironment, name_ + ": cannot read: " + std::strerror(errno));
        ring_.producer_done();
        return;
      }
      hash_.update(ring_.data(*i), n);
      bytes_ += n;
      ring_.len(*i) = n;
      if (n) ring_.put_full(*i);
      if (n < BlockRing::kBlock) {
        ring_.producer_done();
        return;
      }
    }
  }

  BlockRing ring_;
  std::FILE* f_;
  std::string name_;
  minisign::Prehash hash_;
  Status status_ = Ok{};
  std::optional<size_t> cur_;
  size_t pos_ = 0;
  uint64_t bytes_ = 0;
  std::thread worker_;
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

class AtomicSink : public age::Sink {
 public:
  explicit AtomicSink(AtomicFile& f) : f_(f), writeback_(f) {}
  Status write(const void* p, size_t n) override {
    SF_TRY(f_.write(p, n));
    writeback_.wrote(n);
    return Ok{};
  }

 private:
  AtomicFile& f_;
  EarlyWriteback writeback_;
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
        {"record the partner's key with 'sfcohort share partner add NAME --sign-key RW...'"});
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
  minisign::Hash64 h;
  {
    HashingSink sink(*out);
    age::EncryptOptions eo;
    eo.armor = opt.armor;
    SF_TRY(age::encrypt(counted, sink, to, eo));
    auto r = sink.finish();
    if (!r) return std::move(r).error();
    h = *r;
    s.sealed_bytes = sink.bytes();
  }
  s.plaintext_bytes = counted.bytes;
  s.blake2b = hex(h);
  auto sig = AtomicFile::create(s.signature_path, opt.mode);
  if (!sig) return std::move(sig).error();
  SF_TRY(sig->write(signer.sign(h, comment)));
  if (before_commit) SF_TRY(before_commit(s));
  SF_TRY(out->commit());
  if (auto c = sig->commit(); !c) {
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

Result<Opened> open_to_sink(const std::string& in_path, age::Sink& sink, const OpenOptions& opt) {
  auto sig = read_signature(in_path, opt);
  if (!sig) return std::move(sig).error();
  auto f = open_read(in_path);
  if (!f) return std::move(f).error();
  Opened o;
  HashingSource src(f->get(), in_path);
  CountingSink counted(sink);
  if (auto r = age::decrypt(src, counted, opt.decrypt); !r) {
    return r.error().code == Errc::kCrypto ? r.error().with_context(in_path) : r.error();
  }
  auto h = src.finish();
  if (!h) return std::move(h).error();
  o.blake2b = hex(*h);
  o.sealed_bytes = src.bytes();
  o.plaintext_bytes = counted.bytes;
  SF_TRY(check_signature(in_path, opt, *sig, *h, o));
  return o;
}

Result<Opened> open_file(const std::string& in_path, const std::string& out_path,
                         const OpenOptions& opt, const OpenCommit& before_commit) {
  if (out_path == "-") {
    // Standard output cannot be taken back: check the signature first, then
    // decrypt (age still releases only chunks that verify).
    auto sig = read_signature(in_path, opt);
    if (!sig) return std::move(sig).error();
    Opened pre;
    if (opt.verify) {
      auto h = minisign::prehash_file(in_path);
      if (!h) return std::move(h).error();
      SF_TRY(check_signature(in_path, opt, *sig, *h, pre));
    }
    OpenOptions rest = opt;
    rest.verify = false;
    age::FileSink out(stdout, "standard output");
    auto o = open_to_sink(in_path, out, rest);
    if (!o) return o;
    o->verified = pre.verified;
    o->signer = pre.signer;
    o->trusted_comment = pre.trusted_comment;
    if (std::fflush(stdout) != 0) return errno_error("standard output", "cannot write");
    if (before_commit) SF_TRY(before_commit(*o));
    return o;
  }
  auto out = AtomicFile::create(out_path, 0600);
  if (!out) return std::move(out).error();
  AtomicSink sink(*out);
  auto o = open_to_sink(in_path, sink, opt);
  if (!o) return o;  // ~AtomicFile removes the temporary file
  if (before_commit) SF_TRY(before_commit(*o));
  SF_TRY(out->commit());
  return o;
}

TempPlaintext::~TempPlaintext() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

Result<std::pair<TempPlaintext, Opened>> open_to_temp(const std::string& in_path,
                                                      const OpenOptions& opt) {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/sfcohort-open-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return errno_error(tmpl, "cannot create a temporary file");
  ::fchmod(fd, 0600);
  TempPlaintext tmp(tmpl);
  FilePtr f(::fdopen(fd, "wb"));
  if (!f) {
    ::close(fd);
    return errno_error(tmpl, "cannot create a temporary file");
  }
  age::FileSink sink(f.get(), tmpl);
  auto o = open_to_sink(in_path, sink, opt);
  if (!o) return std::move(o).error();
  if (std::fflush(f.get()) != 0) return errno_error(tmpl, "cannot write");
  return std::make_pair(std::move(tmp), std::move(*o));
}

}  // namespace sfcohort::seal

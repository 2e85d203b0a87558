// The pipeline behind seal and open. A batch goes through four steps: read
// (in order), seal or open its chunks (in parts, on any thread), observe
// (in order: the signature's hash) and write (in order). Encrypting, the hash
// is of the ciphertext, so a batch is observed after it is sealed; decrypting,
// the ciphertext is observed and opened at the same time.
//
// Every thread runs the same loop and takes the most urgent step that is
// ready: observing first, because one hash of the whole file cannot be
// split between threads and so sets the pace; then writing and reading,
// which free and fill the ring; then a part of a batch's chunks. A thread
// with nothing else to do seals or opens chunks, so the second CPU shares
// the cipher work with the hash instead of waiting for it.
//
// Failures are reported as the one-thread code reports them: the read,
// payload and write errors of a batch are looked at in file order, when the
// batch's turn to be written comes, so the first failure in the file wins
// whatever thread saw it first.
#include "crypto/age_pipeline.hpp"

#include <sodium.h>
#include <sys/mman.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "crypto/age_common.hpp"
#include "crypto/age_stream.hpp"
#include "sfcohort/context.hpp"

namespace sfcohort::age {
namespace {

using detail::kChunk;
using detail::kEncChunk;
using detail::kTag;

constexpr size_t kChunksPerPart = 4;  // 256 KiB: small enough to share a batch between threads

enum class ChunkState : uint8_t { kMiddle, kLast, kBad };

// Memory for the ring, in 2 MiB pages where the kernel has them: on the
// virtual machines we measured, first touching a 4 KiB page cost 10-20 us,
// which for 16 MiB of buffers was 50-80 ms of a one-second run.
class Buffer {
 public:
  explicit Buffer(size_t n) : size_((n + kHuge - 1) / kHuge * kHuge) {
    // Only whole, aligned 2 MiB ranges can be huge pages: map one more and
    // trim to an aligned start.
    const size_t mapped = size_ + kHuge;
    void* m = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<uintptr_t>(m);
    const uintptr_t aligned = (start + kHuge - 1) / kHuge * kHuge;
    if (aligned > start) ::munmap(m, aligned - start);
    const uintptr_t end = start + mapped, used_end = aligned + size_;
    if (end > used_end) ::munmap(reinterpret_cast<void*>(used_end), end - used_end);
    p_ = reinterpret_cast<uint8_t*>(aligned);
#ifdef MADV_HUGEPAGE
    ::madvise(p_, size_, MADV_HUGEPAGE);
#endif
  }
  ~Buffer() {
    sodium_memzero(p_, size_);  // plaintext
    ::munmap(p_, size_);
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  uint8_t* data() { return p_; }

 private:
  static constexpr size_t kHuge = 2 << 20;
  size_t size_;
  uint8_t* p_ = nullptr;
};

struct Batch {
  uint8_t* plain = nullptr;   // batch_chunks * kChunk
  uint8_t* sealed = nullptr;  // batch_chunks * kEncChunk
  size_t len = 0;             // bytes read: plaintext, or age file
  size_t chunks = 0;
  bool final = false;  // encrypting: holds the final chunk
  bool ready = false;  // its chunks may be sealed or opened
  size_t parts = 0, parts_taken = 0, parts_done = 0;
  std::optional<Error> read_error;
  std::vector<ChunkState> opened;  // decrypting: per chunk

  size_t sealed_len() const { return len + kTag * chunks; }  // encrypting
};

class Pipeline {
 public:
  Pipeline(bool encrypting, Source& in, std::string rest, Sink& out, const Observer& observe,
           const detail::PayloadKey& key, const PipelineOptions& po, Failure* why)
      : encrypting_(encrypting),
        in_(in),
        rest_(std::move(rest)),
        out_(out),
        observe_(observe),
        key_(key),
        why_(why) {
    threads_ = po.threads;
    if (threads_ == 0) threads_ = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    batch_chunks_ = std::max<size_t>(po.batch_chunks, 1);
    size_t n = po.batches ? po.batches : 2 + 3 * size_t{threads_};
    batches_.resize(std::max<size_t>(n, 2));
    const size_t plain_size = batch_chunks_ * kChunk, sealed_size = batch_chunks_ * kEncChunk;
    memory_ = std::make_unique<Buffer>(batches_.size() * (plain_size + sealed_size));
    uint8_t* p = memory_->data();
    for (auto& b : batches_) {
      b.plain = p;
      b.sealed = p + plain_size;
      p += plain_size + sealed_size;
      b.opened.resize(batch_chunks_);
    }
  }

  Status run() {
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < threads_; ++i) {
      try {
        helpers.emplace_back([this] { work(); });
      } catch (const std::system_error&) {
        break;  // fewer threads is slower, not wrong
      }
    }
    work();
    for (auto& t : helpers) t.join();
    if (error_) return *error_;
    if (!encrypting_) {
      if (produced_ == 0) return payload_error("no data after the header");
      if (!final_seen_) return payload_error("the file is truncated (no final chunk)");
    }
    return Ok{};
  }

 private:
  enum class Step { kNone, kRead, kCrypt, kObserve, kWrite };
  struct Task {
    Step step = Step::kNone;
    uint64_t seq = 0;
    size_t part = 0;
  };

  Batch& batch(uint64_t seq) { return batches_[seq % batches_.size()]; }
  size_t read_capacity() const { return batch_chunks_ * (encrypting_ ? kChunk : kEncChunk); }

  // Batches before this one are done with: their slots can be read into.
  uint64_t released() const { return std::min(write_seq_, observe_seq_); }

  bool finished() const {
    return eof_ && !reading_ && write_seq_ == produced_ && observe_seq_ == produced_;
  }

  // The most urgent step that is ready; called with m_ held.
  Task pick() {
    if (error_) return {};
    if (!observing_ && observe_seq_ < produced_) {
      Batch& b = batch(observe_seq_);
      if (!encrypting_ || (b.ready && b.parts_done == b.parts)) {
        observing_ = true;
        return {Step::kObserve, observe_seq_};
      }
      // The hash waits for this batch's chunks: they come before anything else.
      if (b.ready && b.parts_taken < b.parts) return {Step::kCrypt, observe_seq_, b.parts_taken++};
    }
    if (!writing_ && write_seq_ < produced_) {
      const Batch& b = batch(write_seq_);
      if (encrypting_ ? write_seq_ < observe_seq_ : b.parts_done == b.parts) {
        writing_ = true;
        return {Step::kWrite, write_seq_};
      }
    }
    if (!reading_ && !eof_ && read_seq_ < released() + batches_.size()) {
      reading_ = true;
      return {Step::kRead, read_seq_};
    }
    for (uint64_t s = released(); s < produced_; ++s) {
      Batch& b = batch(s);
      if (b.ready && b.parts_taken < b.parts) return {Step::kCrypt, s, b.parts_taken++};
    }
    return {};
  }

  void work() {
    crypto::ChaCha20Poly1305 aead;  // this thread's; freed, and its key wiped, on return
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {
      if (!error_ && interrupted()) fail(Error(Errc::kInterrupted, "interrupted"), Failure::kNone);
      Task t = pick();
      if (t.step == Step::kNone) {
        if (error_ || finished()) {
          cv_.notify_all();
          return;
        }
        cv_.wait(lock);
        continue;
      }
      lock.unlock();
      Status s = Ok{};
      size_t got = 0;
      try {
        switch (t.step) {
          case Step::kRead: {
            auto r = fill(batch(t.seq));
            if (r)
              got = *r;
            else
              s = std::move(r).error();
            break;
          }
          case Step::kCrypt:
            s = crypt(aead, batch(t.seq), t.seq, t.part);
            break;
          case Step::kObserve:
            observe(batch(t.seq));
            break;
          case Step::kWrite:
            s = write(batch(t.seq), t.seq);
            break;
          case Step::kNone:
            break;
        }
      } catch (const std::exception& e) {
        s = internal_error(std::string("pipeline: ") + e.what());
      }
      lock.lock();
      complete(t, std::move(s), got);
      cv_.notify_all();
    }
  }

  // Records the first failure; every thread then stops. Called with m_ held.
  void fail(Error e, Failure kind) {
    if (error_) return;
    if (why_ && *why_ == Failure::kNone) *why_ = kind;
    error_ = std::move(e);
  }

  // Called with m_ held once T's step ran.
  void complete(const Task& t, Status s, size_t got) {
    Batch& b = batch(t.seq);
    switch (t.step) {
      case Step::kRead:
        reading_ = false;
        if (!s) {
          // Reported when this batch's turn to be written comes.
          b.read_error = std::move(s).error();
          b.len = b.chunks = b.parts = b.parts_taken = b.parts_done = 0;
          b.ready = true;
          if (encrypting_ && t.seq > 0) batch(t.seq - 1).ready = true;
          eof_ = true;
          read_seq_ = produced_ = t.seq + 1;
          return;
        }
        filled(b, t.seq, got);
        return;
      case Step::kCrypt:
        ++b.parts_done;
        // Only libcrypto failing (or an exception): stop rather than write
        // chunks that were never sealed or checked.
        if (!s) fail(std::move(s).error(), Failure::kNone);
        return;
      case Step::kObserve:
        observing_ = false;
        ++observe_seq_;
        if (!s) fail(std::move(s).error(), Failure::kNone);
        return;
      case Step::kWrite:
        writing_ = false;
        if (!s) {
          fail(std::move(s).error(), Failure::kIo);
          return;
        }
        ++write_seq_;
        return;
      case Step::kNone:
        return;
    }
  }

  // A read of N bytes into batch SEQ finished. Called with m_ held.
  void filled(Batch& b, uint64_t seq, size_t n) {
    b.read_error.reset();
    b.parts_taken = b.parts_done = 0;
    bool short_read = n < read_capacity();  // fill() reads until full or the end
    if (encrypting_) {
      // The chunk that reaches the end of the input is the final one, so a
      // full batch waits for the next read to know whether it holds it.
      if (seq > 0) {
        Batch& prev = batch(seq - 1);
        if (!prev.ready) {
          prev.final = n == 0;
          prev.ready = true;
        }
      }
      if (n == 0 && seq > 0) {
        eof_ = true;
        return;
      }
      b.len = n;
      b.chunks = n == 0 ? 1 : (n + kChunk - 1) / kChunk;  // an empty file is one empty chunk
      b.final = short_read;
      b.ready = short_read;
    } else {
      if (n == 0) {
        eof_ = true;
        return;
      }
      b.len = n;
      b.chunks = (n + kEncChunk - 1) / kEncChunk;
      b.ready = true;
    }
    b.parts = (b.chunks + kChunksPerPart - 1) / kChunksPerPart;
    if (short_read) eof_ = true;
    read_seq_ = produced_ = seq + 1;
  }

  // Fills B from what the header parser read ahead, then from IN, until the
  // batch is full or the input ends. Only one thread reads at a time.
  Result<size_t> fill(Batch& b) {
    uint8_t* dst = encrypting_ ? b.plain : b.sealed;
    const size_t cap = read_capacity();
    size_t n = 0;
    if (rest_pos_ < rest_.size()) {
      n = std::min(cap, rest_.size() - rest_pos_);
      std::memcpy(dst, rest_.data() + rest_pos_, n);
      rest_pos_ += n;
    }
    while (n < cap && !in_eof_) {
      auto r = in_.read(dst + n, cap - n);
      if (!r) return std::move(r).error();
      if (*r == 0) in_eof_ = true;
      n += *r;
    }
    return n;
  }

  // Seals or opens one part of batch SEQ with the calling thread's AEAD
  // context. Errors: libcrypto's (a chunk that does not verify is not one).
  Status crypt(crypto::ChaCha20Poly1305& aead, Batch& b, uint64_t seq, size_t part) {
    const size_t first = part * kChunksPerPart;
    const size_t end = std::min(b.chunks, first + kChunksPerPart);
    for (size_t j = first; j < end; ++j) {
      const uint64_t counter = seq * batch_chunks_ + j;
      if (encrypting_) {
        const size_t off = j * kChunk;
        const size_t n = std::min(kChunk, b.len - off);
        const bool last = b.final && j + 1 == b.chunks;
        SF_TRY(detail::seal_chunk(aead, key_, counter, last, b.plain + off, n,
                                  b.sealed + j * kEncChunk));
        continue;
      }
      const size_t off = j * kEncChunk;
      const size_t n = std::min(kEncChunk, b.len - off);
      uint8_t* out = b.plain + j * kChunk;
      b.opened[j] = ChunkState::kBad;  // until it verifies; too short: truncation, in write()
      if (n < kTag) continue;
      // As age does: a short chunk must be the last; a full chunk is opened
      // as a middle chunk first and, failing that, as the last one.
      const bool short_chunk = n < kEncChunk;
      auto ok = detail::open_chunk(aead, key_, counter, short_chunk, b.sealed + off, n, out);
      if (!ok) return std::move(ok).error();
      if (*ok) {
        b.opened[j] = short_chunk ? ChunkState::kLast : ChunkState::kMiddle;
        continue;
      }
      if (short_chunk) continue;
      ok = detail::open_chunk(aead, key_, counter, true, b.sealed + off, n, out);
      if (!ok) return std::move(ok).error();
      if (*ok) b.opened[j] = ChunkState::kLast;
    }
    return Ok{};
  }

  void observe(const Batch& b) {
    if (!observe_ || b.read_error) return;
    if (encrypting_) {
      observe_(b.sealed, b.sealed_len());
    } else {
      observe_(b.sealed, b.len);
    }
  }

  // Writes batch SEQ, or returns the first failure in it. Only one thread
  // writes at a time, in order, so the checks that span chunks (the final
  // chunk, data after it) see the chunks as the one-thread code does.
  Status write(const Batch& b, uint64_t seq) {
    if (b.read_error) return *b.read_error;
    if (encrypting_) return out_.write(b.sealed, b.sealed_len());
    size_t released = 0;  // plaintext bytes of the chunks that verified
    auto flush = [&]() -> Status {
      if (released) return out_.write(b.plain, released);
      return Ok{};
    };
    for (size_t j = 0; j < b.chunks; ++j) {
      const uint64_t counter = seq * batch_chunks_ + j;
      const size_t n = std::min(kEncChunk, b.len - j * kEncChunk);
      std::optional<std::string> bad;
      if (final_seen_) {
        bad = "data after the final chunk";
      } else if (n < kTag) {
        bad = "the file is truncated (chunk shorter than its tag)";
      } else if (n == kTag && counter > 0) {
        bad = "empty final chunk";
      } else if (b.opened[j] == ChunkState::kBad) {
        bad = "chunk " + std::to_string(counter) + " does not verify (altered or truncated file)";
      }
      if (bad) {
        SF_TRY(flush());
        return payload_error(*bad);
      }
      released += n - kTag;
      if (b.opened[j] == ChunkState::kLast) final_seen_ = true;
    }
    return flush();
  }

  // A payload failure, marked so that complete() does not report it as an
  // I/O error. Called without m_ held.
  Error payload_error(const std::string& m) {
    std::lock_guard<std::mutex> lock(m_);
    if (why_ && *why_ == Failure::kNone) *why_ = Failure::kPayload;
    return Error(Errc::kCrypto, "payload failure: " + m);
  }

  const bool encrypting_;
  Source& in_;
  const std::string rest_;
  size_t rest_pos_ = 0;
  bool in_eof_ = false;
  Sink& out_;
  const Observer& observe_;
  const detail::PayloadKey& key_;
  Failure* why_;
  unsigned threads_ = 1;
  size_t batch_chunks_ = 16;
  std::unique_ptr<Buffer> memory_;
  std::vector<Batch> batches_;
  bool final_seen_ = false;  // decrypting; only write() touches it

  std::mutex m_;
  std::condition_variable cv_;
  std::optional<Error> error_;
  uint64_t read_seq_ = 0, produced_ = 0, observe_seq_ = 0, write_seq_ = 0;
  bool reading_ = false, observing_ = false, writing_ = false, eof_ = false;
};

// A Source that first returns PEEKED, then reads from IN; it keeps a copy of
// what it returns while RECORDING is set.
class ReplaySource : public Source {
 public:
  ReplaySource(std::string peeked, Source& in) : peeked_(std::move(peeked)), in_(in) {}
  Result<size_t> read(void* buf, size_t n) override {
    size_t k = 0;
    if (pos_ < peeked_.size()) {
      k = std::min(n, peeked_.size() - pos_);
      std::memcpy(buf, peeked_.data() + pos_, k);
      pos_ += k;
    } else {
      auto r = in_.read(buf, n);
      if (!r) return r;
      k = *r;
    }
    if (recording) record.append(static_cast<const char*>(buf), k);
    return k;
  }
  bool recording = false;
  std::string record;

 private:
  std::string peeked_;
  size_t pos_ = 0;
  Source& in_;
};

class ObservingSource : public Source {
 public:
  ObservingSource(Source& in, const Observer& observe) : in_(in), observe_(observe) {}
  Result<size_t> read(void* buf, size_t n) override {
    auto r = in_.read(buf, n);
    if (r && *r && observe_) observe_(static_cast<const uint8_t*>(buf), *r);
    return r;
  }

 private:
  Source& in_;
  const Observer& observe_;
};

class ObservingSink : public Sink {
 public:
  ObservingSink(Sink& out, const Observer& observe) : out_(out), observe_(observe) {}
  Status write(const void* p, size_t n) override {
    if (observe_ && n) observe_(static_cast<const uint8_t*>(p), n);
    return out_.write(p, n);
  }

 private:
  Sink& out_;
  const Observer& observe_;
};

}  // namespace

Status encrypt_pipelined(Source& in, Sink& out, const std::vector<Recipient>& to,
                         const EncryptOptions& opt, const Observer& observe,
                         const PipelineOptions& po) {
  if (opt.armor) {
    // Armor is for small files pasted into mail: one thread is plenty.
    ObservingSink sink(out, observe);
    return encrypt(in, sink, to, opt);
  }
  if (to.empty()) return invalid_input("no recipient to encrypt to");
  detail::PayloadKey key;
  const std::string header = detail::begin_encrypt(to, key);
  if (observe) observe(reinterpret_cast<const uint8_t*>(header.data()), header.size());
  SF_TRY(out.write(header.data(), header.size()));
  Pipeline p(true, in, {}, out, observe, key, po, nullptr);
  return p.run();
}

Status decrypt_pipelined(Source& in, Sink& out, const DecryptOptions& opt, const Observer& observe,
                         Failure* why, const PipelineOptions& po) {
  crypto::ensure_sodium();
  Failure local = Failure::kNone;
  if (!why) why = &local;
  *why = Failure::kNone;

  // A binary file starts with "age-encryption.org/"; anything else goes to
  // decrypt(), which reads armor and names every other failure.
  constexpr std::string_view kBinaryStart = "age-encryption.org/";
  std::string peeked(kBinaryStart.size(), '\0');
  size_t got = 0;
  while (got < peeked.size()) {
    auto r = in.read(peeked.data() + got, peeked.size() - got);
    if (!r) {
      *why = Failure::kIo;
      return std::move(r).error();
    }
    if (*r == 0) break;
    got += *r;
  }
  peeked.resize(got);
  ReplaySource replay(peeked, in);
  if (peeked != kBinaryStart) {
    ObservingSource src(replay, observe);
    return decrypt(src, out, opt, why);
  }

  replay.recording = true;
  detail::PayloadKey key;
  std::string rest;
  SF_TRY(detail::begin_decrypt(replay, opt, key, rest, why));
  replay.recording = false;
  // RECORD holds the header, the nonce and REST; REST is observed with the
  // first batch.
  if (observe) {
    observe(reinterpret_cast<const uint8_t*>(replay.record.data()),
            replay.record.size() - rest.size());
  }
  Pipeline p(false, replay, std::move(rest), out, observe, key, po, why);
  return p.run();
}

}  // namespace sfcohort::age

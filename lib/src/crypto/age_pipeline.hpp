// age files encrypted and decrypted on several threads, with every byte of
// the age file passed in order to an observer: the BLAKE2b-512 that sealing
// signs and opening checks. STREAM chunks are independent, so batches of
// them are sealed or opened by whichever thread is free, while one thread at
// a time reads, observes or writes a batch, in file order. The ring of
// batches is fixed, so memory does not grow with the file.
//
// Both primitives come from OpenSSL's libcrypto (crypto/chacha20.hpp,
// crypto/blake2b.hpp). The hash is a single chain that one core must run
// from end to end, and it is the slower of the two (0.91 s/GiB of CPU
// against 0.27 s/GiB for the cipher), so on a 2-CPU machine one core hashes
// while the other does the cipher work: a sealed file costs about one pass
// of the hash. Each thread has its own cipher context, set up once.
//
// The files and the failures are exactly those of age::encrypt and
// age::decrypt (age.hpp); an armored file is handled by those, on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "sfcohort/age.hpp"

namespace sfcohort::age {

// Called with the bytes of the age file, in order, each byte once, from one
// thread at a time (not necessarily the caller's).
using Observer = std::function<void(const uint8_t* p, size_t n)>;

struct PipelineOptions {
  unsigned threads = 0;      // 0: one per CPU, at most 4; 1: all on the caller's thread
  size_t batch_chunks = 16;  // 64 KiB chunks per batch (one read, observe and write)
  size_t batches = 0;        // batches in the ring; 0: enough to keep THREADS busy
};

// As encrypt(), and OBSERVE sees the age file as it is written. OUT's write()
// is called from the worker threads, one call at a time, in file order.
Status encrypt_pipelined(Source& in, Sink& out, const std::vector<Recipient>& to,
                         const EncryptOptions& opt, const Observer& observe,
                         const PipelineOptions& po = {});

// As decrypt(), and OBSERVE sees every byte read from IN, in order (the whole
// file when it decrypts). OUT's write() is called as for encrypt_pipelined(),
// with plaintext that has verified, as decrypt() releases it.
Status decrypt_pipelined(Source& in, Sink& out, const DecryptOptions& opt, const Observer& observe,
                         Failure* why = nullptr, const PipelineOptions& po = {});

}  // namespace sfcohort::age

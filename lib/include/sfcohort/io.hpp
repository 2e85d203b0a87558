// Files written all or nothing, and small file helpers. Every output file of
// sfcohort goes through AtomicFile: it is written to a temporary file beside
// the target and renamed over it only on commit(), so a failed command leaves
// the previous file (or none) in place.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "sfcohort/result.hpp"

namespace sfcohort {

// A private scratch file (mode 0600), removed when this object is destroyed
// or release()d. Every temporary file sfcohort makes is one of these.
//
// A scratch file outlives its process only when the process is killed
// outright (kill -9, a power cut): while it lives it is listed for
// remove_live_temporaries() (which the command's signal handlers call) and
// holds an advisory lock (flock) that the next create() with the same
// prefix in the same folder tests: a file no live process holds, untouched
// for ten minutes, is removed then (sweep_stale).
class TempFile {
 public:
  // Creates DIR/PREFIX-XXXXXX (DIR "" means $TMPDIR, or /tmp). Its
  // descriptor is open for reading and writing. Sweeps DIR first.
  static Result<TempFile> create(const std::string& dir, const std::string& prefix);
  // Removes DIR/PREFIX-XXXXXX files owned by this user that no process
  // holds locked and that were last changed more than AGE_SECONDS ago.
  // Returns how many it removed.
  static int sweep_stale(const std::string& dir, const std::string& prefix, long age_seconds = 600);
  // The folder of PATH ("." when it has none): where scratch files for an
  // output at PATH go, so that a rename into place never crosses devices.
  static std::string folder_of(const std::string& path);

  TempFile(TempFile&& o) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  TempFile(const TempFile&) = delete;
  ~TempFile();

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  // A stdio stream over the descriptor, which it then owns (fclose it);
  // null on failure (errno set).
  std::FILE* stream();
  // Closes the descriptor; the file stays until destruction.
  void close();
  // Keeps the file (after it was renamed into place): the destructor then
  // removes nothing.
  void release();

 private:
  TempFile(std::string path, int fd, int lock_fd);
  void forget();  // off the live list
  std::string path_;
  int fd_ = -1;
  int lock_fd_ = -1;  // holds the flock until destruction or release()
  int slot_ = -1;     // in the live list
};

// Unlinks every live TempFile and the unnamed output of every AtomicFile
// not yet committed. Async-signal-safe: for a handler of SIGTERM, SIGHUP or
// a second SIGINT, before it lets the signal end the process.
void remove_live_temporaries();

class AtomicFile {
 public:
  // Creates a temporary file in PATH's directory with MODE (e.g. 0600):
  // an unnamed one (O_TMPFILE) where the file system has them, so nothing
  // written before commit() has a name anyone can open, and nothing is left
  // however the process ends; otherwise a TempFile named .NAME.tmp-XXXXXX.
  // PATH "-" means standard output: writes go straight to stdout and
  // commit() only flushes it. A PATH that exists and is not a regular file
  // (a pipe, /dev/null) is written directly, never replaced.
  static Result<AtomicFile> create(const std::string& path, unsigned mode = 0600);

  AtomicFile(AtomicFile&& o) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();  // removes the temporary file unless committed

  Status write(std::string_view data);
  Status write(const void* p, size_t n) {
    return write(std::string_view(static_cast<const char*>(p), n));
  }
  // Flushes, fsyncs and renames the temporary file over the target. With
  // SYNC false there is no fsync: readers still see the whole file or none
  // of it, but a crash soon after may leave it short (only for files whose
  // damage is always detected, such as sealed age files).
  Status commit(bool sync = true);
  const std::string& path() const { return path_; }
  std::FILE* stream() { return f_; }

 private:
  AtomicFile() = default;
  Status link_into_place();
  std::string path_;
  std::optional<TempFile> tmp_;  // the named fallback
  int unnamed_fd_ = -1;          // the O_TMPFILE descriptor, while it is open
  std::FILE* f_ = nullptr;
  bool is_stdout_ = false;
  bool in_place_ = false;  // a pipe or device, written directly
  bool done_ = false;
};

// Reads a whole (small) file. Missing or unreadable: Errc::kEnvironment.
Result<std::string> read_file(const std::string& path);
// Writes a small file atomically with MODE.
Status write_file_atomic(const std::string& path, std::string_view data, unsigned mode = 0600);
// Creates DIR (and parents) with MODE if missing: every folder it creates
// gets MODE, whatever the umask, and DIR itself ends with MODE.
Status make_dirs(const std::string& dir, unsigned mode = 0700);
// Refuses PATH (Errc::kEnvironment, with a chmod hint) when its permission
// bits include any of MASK: 077 for a secret only its owner may read, 007 for
// a file no other user of the machine may. WHAT names it in the message
// ("the audit key"). A missing file passes (the caller reports that).
Status check_not_exposed(const std::string& path, unsigned mask, const std::string& what);
bool file_exists(const std::string& path);
// The error for a failed open/read/write of PATH, from errno.
Error errno_error(const std::string& path, std::string_view what);

}  // namespace sfcohort

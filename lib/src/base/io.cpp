#include "sfcohort/io.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>

namespace sfcohort {
namespace {

// The named temporaries of this process, for remove_live_temporaries():
// malloc'd paths in fixed slots, so a signal handler can walk them without
// allocating or locking. A process has a handful at once; past 64 a file
// is still removed by its destructor and, if the process is killed, swept.
std::array<std::atomic<char*>, 64> g_live{};

int live_add(const std::string& path) {
  char* copy = ::strdup(path.c_str());
  if (!copy) return -1;
  for (size_t i = 0; i < g_live.size(); ++i) {
    char* expected = nullptr;
    if (g_live[i].compare_exchange_strong(expected, copy)) return static_cast<int>(i);
  }
  std::free(copy);
  return -1;
}

void live_remove(int slot) {
  if (slot < 0) return;
  std::free(g_live[static_cast<size_t>(slot)].exchange(nullptr));
}

// A name for a file beside TARGET_DIR: PREFIX-XXXXXX with six random
// letters or digits, as mkstemp makes them (so sweep_stale knows it).
std::string random_name(const std::string& dir, const std::string& prefix) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string name = dir + "/" + prefix + "-";
  for (int i = 0; i < 6; ++i) name += kChars[rng() % (sizeof kChars - 1)];
  return name;
}

// The error for a file that could not be made in DIR, from errno. A folder
// that is not there is what the person can fix, so the hint names it.
Error create_error(const std::string& path, const std::string& dir, std::string_view what) {
  const int e = errno;
  Error err = errno_error(path, what);
  if (e != ENOENT && e != ENOTDIR) return err;
  std::error_code ec;
  const auto type = std::filesystem::status(dir, ec).type();
  if (type == std::filesystem::file_type::not_found)
    err.hints.push_back("the folder " + dir + " does not exist: create it or choose another");
  else if (type != std::filesystem::file_type::directory && !ec)
    err.hints.push_back(dir + " is not a folder: choose another");
  return err;
}

}  // namespace

void remove_live_temporaries() {
  for (auto& slot : g_live) {
    if (char* p = slot.load()) ::unlink(p);
  }
}

Error errno_error(const std::string& path, std::string_view what) {
  int e = errno;
  std::string m = path + ": " + std::string(what) + ": " + std::strerror(e);
  for (auto& c : m) c = static_cast<char>(c);
  if (e == ENOSPC || e == EFBIG || e == EDQUOT) {
    return Error(Errc::kEnvironment, path + ": " + std::string(what) + ": the disk is full");
  }
  return Error(Errc::kEnvironment, m);
}

Result<TempFile> TempFile::create(const std::string& dir, const std::string& prefix) {
  std::string base = dir;
  if (base.empty()) {
    const char* t = std::getenv("TMPDIR");
    base = t && *t ? t : "/tmp";
  }
  sweep_stale(base, prefix);
  std::string tmpl = base + "/" + prefix + "-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return create_error(tmpl, base, "cannot create a temporary file");
  ::fchmod(fd, 0600);
  // The lock tells a sweep in another process that this file is in use; a
  // second descriptor keeps it after stream() or close() give up the first.
  ::flock(fd, LOCK_EX | LOCK_NB);
  return TempFile(std::move(tmpl), fd, ::fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

int TempFile::sweep_stale(const std::string& dir, const std::string& prefix, long age_seconds) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return 0;
  const std::string lead = prefix + "-";
  const time_t now = std::time(nullptr);
  int removed = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() != lead.size() + 6 || name.compare(0, lead.size(), lead) != 0) continue;
    const std::string path = dir + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) {
      continue;
    }
    if (now - st.st_mtime < age_seconds) continue;
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat held;
    // Removed only while locked here, and only if the name still is that file.
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &held) == 0 &&
        held.st_ino == st.st_ino && held.st_dev == st.st_dev && ::unlink(path.c_str()) == 0) {
      ++removed;
    }
    ::close(fd);
  }
  ::closedir(d);
  return removed;
}

std::string TempFile::folder_of(const std::string& path) {
  std::filesystem::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : ".";
}

TempFile::TempFile(std::string path, int fd, int lock_fd)
    : path_(std::move(path)), fd_(fd), lock_fd_(lock_fd), slot_(live_add(path_)) {}

TempFile::TempFile(TempFile&& o) noexcept
    : path_(std::move(o.path_)), fd_(o.fd_), lock_fd_(o.lock_fd_), slot_(o.slot_) {
  o.path_.clear();
  o.fd_ = -1;
  o.lock_fd_ = -1;
  o.slot_ = -1;
}

TempFile::~TempFile() {
  close();
  if (!path_.empty()) ::unlink(path_.c_str());
  forget();
}

void TempFile::forget() {
  live_remove(slot_);
  slot_ = -1;
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

std::FILE* TempFile::stream() {
  std::FILE* f = ::fdopen(fd_, "w+b");
  if (f) fd_ = -1;
  return f;
}

void TempFile::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void TempFile::release() {
  path_.clear();
  forget();
}

Result<AtomicFile> AtomicFile::create(const std::string& path, unsigned mode) {
  AtomicFile f;
  f.path_ = path;
  if (path == "-") {
    f.is_stdout_ = true;
    f.f_ = stdout;
    return f;
  }
  // Refused now rather than at the rename, after all the work.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error(Errc::kEnvironment, path + ": is a directory; name a file to write");
  }
  // A pipe or a device (/dev/null, a FIFO a script reads) is written in
  // place: renaming a file over it would replace it.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return errno_error(path, "cannot write");
    f.f_ = ::fdopen(fd, "wb");
    if (!f.f_) {
      ::close(fd);
      return errno_error(path, "cannot write");
    }
    f.in_place_ = true;
    return f;
  }
  const std::string dir = TempFile::folder_of(path);
  const std::string prefix = "." + std::filesystem::path(path).filename().string() + ".tmp";
  // Unnamed where the file system allows it and /proc can name it at commit.
  if (::access("/proc/self/fd", X_OK) == 0) {
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::fchmod(fd, static_cast<mode_t>(mode));
      f.f_ = ::fdopen(fd, "w+b");
      if (!f.f_) {
        ::close(fd);
        return errno_error(path, "cannot create");
      }
      f.unnamed_fd_ = fd;
      TempFile::sweep_stale(dir, prefix);
      return f;
    }
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
      return create_error(path, dir, "cannot create");
    }
  }
  auto tmp = TempFile::create(dir, prefix);
  if (!tmp) {
    Error e = std::move(tmp).error();
    e.message = path + ": cannot create: " + e.message;
    return e;
  }
  ::fchmod(tmp->fd(), static_cast<mode_t>(mode));
  f.f_ = tmp->stream();
  if (!f.f_) return errno_error(path, "cannot create");
  f.tmp_.emplace(std::move(*tmp));
  return f;
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : path_(std::move(o.path_)),
      tmp_(std::move(o.tmp_)),
      unnamed_fd_(o.unnamed_fd_),
      f_(o.f_),
      is_stdout_(o.is_stdout_),
      in_place_(o.in_place_),
      done_(o.done_) {
  o.f_ = nullptr;
  o.done_ = true;
}

AtomicFile::~AtomicFile() {
  if (is_stdout_ || done_) return;
  if (f_) std::fclose(f_);
  // tmp_ removes the file.
}

Status AtomicFile::write(std::string_view data) {
  if (data.empty()) return Ok{};
  if (std::fwrite(data.data(), 1, data.size(), f_) != data.size()) {
    return errno_error(path_, "cannot write");
  }
  return Ok{};
}

Status AtomicFile::commit(bool sync) {
  if (is_stdout_) {
    done_ = true;
    if (std::fflush(stdout) != 0) return errno_error("standard output", "cannot write");
    return Ok{};
  }
  if (in_place_) {
    done_ = true;
    const bool ok = std::fflush(f_) == 0;
    const int saved = errno;
    std::fclose(f_);
    f_ = nullptr;
    errno = saved;
    return ok ? Status(Ok{}) : Status(errno_error(path_, "cannot write"));
  }
  if (std::fflush(f_) != 0) return errno_error(path_, "cannot write");
  if (sync && ::fsync(fileno(f_)) != 0) return errno_error(path_, "cannot write");
  if (unnamed_fd_ >= 0) {
    // Named while its descriptor is open (/proc names it by the descriptor).
    Status linked = link_into_place();
    std::fclose(f_);
    f_ = nullptr;
    return linked;
  }
  if (std::fclose(f_) != 0) {
    f_ = nullptr;
    return errno_error(path_, "cannot write");
  }
  f_ = nullptr;
  if (std::rename(tmp_->path().c_str(), path_.c_str()) != 0) {
    return errno_error(path_, "cannot rename");
  }
  tmp_->release();
  done_ = true;
  return Ok{};
}

// Gives the unnamed file a name beside the target, then renames it over the
// target (linkat cannot replace a file). Only a complete file ever has a
// name; the name is on the live list for the moment it exists.
Status AtomicFile::link_into_place() {
  const int fd = unnamed_fd_;
  unnamed_fd_ = -1;  // the caller closes it with the stream
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  const std::string dir = TempFile::folder_of(path_);
  const std::string prefix = "." + std::filesystem::path(path_).filename().string() + ".tmp";
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = random_name(dir, prefix);
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      if (errno == EEXIST) continue;
      return errno_error(path_, "cannot name the file written");
    }
    const int slot = live_add(name);
    const bool renamed = std::rename(name.c_str(), path_.c_str()) == 0;
    const int saved = errno;
    if (!renamed) ::unlink(name.c_str());
    live_remove(slot);
    errno = saved;
    if (!renamed) return errno_error(path_, "cannot rename");
    done_ = true;
    return Ok{};
  }
  return Error(Errc::kEnvironment, path_ + ": cannot name the file written: no free name");
}

Result<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return errno_error(path, "cannot read");
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  bool bad = std::ferror(f);
  std::fclose(f);
  if (bad) return errno_error(path, "cannot read");
  return out;
}

Status write_file_atomic(const std::string& path, std::string_view data, unsigned mode) {
  auto f = AtomicFile::create(path, mode);
  if (!f) return f.error();
  SF_TRY(f->write(data));
  return f->commit();
}

Status make_dirs(const std::string& dir, unsigned mode) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Ok{};
  // One folder at a time, each made with MODE: create_directories would
  // give the parents 0777 less the umask, which is 0777 under umask 000.
  std::filesystem::path built;
  for (const auto& part : std::filesystem::path(dir)) {
    built /= part;
    if (std::filesystem::is_directory(built, ec)) continue;
    if (::mkdir(built.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST) {
      return Error(Errc::kEnvironment, dir + ": cannot create directory: " + std::strerror(errno));
    }
    ::chmod(built.c_str(), static_cast<mode_t>(mode));
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return Error(Errc::kEnvironment, dir + ": cannot create directory: not a directory");
  }
  return Ok{};
}

Status check_not_exposed(const std::string& path, unsigned mask, const std::string& what) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Ok{};
  if ((st.st_mode & mask) == 0) return Ok{};
  char mode[8];
  std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
  char want[8];
  std::snprintf(want, sizeof want, "%03o", static_cast<unsigned>(st.st_mode & 0777 & ~mask));
  const bool others = (mask & 07) && (st.st_mode & 07);
  return Error(Errc::kEnvironment,
               path + ": " + what + " is open to " +
                   (others ? "every user of this machine" : "other users") + " (mode " + mode + ")",
               {"if no one else should have read it, restrict it with 'chmod " + std::string(want) +
                " " + path + "'; if someone may have, treat it as exposed"});
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace sfcohort

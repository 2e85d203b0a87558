#include "sfcohort/io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace sfcohort {

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
  std::string tmpl = base + "/" + prefix + "-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return errno_error(tmpl, "cannot create a temporary file");
  ::fchmod(fd, 0600);
  return TempFile(std::move(tmpl), fd);
}

std::string TempFile::folder_of(const std::string& path) {
  std::filesystem::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : ".";
}

TempFile::TempFile(TempFile&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_) {
  o.path_.clear();
  o.fd_ = -1;
}

TempFile::~TempFile() {
  close();
  if (!path_.empty()) ::unlink(path_.c_str());
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

void TempFile::release() { path_.clear(); }

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
  auto tmp = TempFile::create(TempFile::folder_of(path),
                              "." + std::filesystem::path(path).filename().string() + ".tmp");
  if (!tmp) return Error(Errc::kEnvironment, path + ": cannot create: " + tmp.error().message);
  ::fchmod(tmp->fd(), static_cast<mode_t>(mode));
  f.f_ = tmp->stream();
  if (!f.f_) return errno_error(path, "cannot create");
  f.tmp_.emplace(std::move(*tmp));
  return f;
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : path_(std::move(o.path_)),
      tmp_(std::move(o.tmp_)),
      f_(o.f_),
      is_stdout_(o.is_stdout_),
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
  if (std::fflush(f_) != 0) return errno_error(path_, "cannot write");
  if (sync && ::fsync(fileno(f_)) != 0) return errno_error(path_, "cannot write");
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

#include "sfcohort/context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace sfcohort {
namespace {
std::atomic<bool> g_interrupted{false};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}
}  // namespace

std::string default_keys_dir() {
  if (auto k = env("SFCOHORT_KEYS"); !k.empty()) return k;
  std::string xdg = env("XDG_CONFIG_HOME");
  if (xdg.empty()) {
    std::string home = env("HOME");
    if (home.empty()) {
      if (const passwd* pw = getpwuid(getuid())) home = pw->pw_dir;
    }
    xdg = home + "/.config";
  }
  return xdg + "/sfcohort/keys";
}

std::string default_db_path() {
  if (auto d = env("SFCOHORT_DB"); !d.empty()) return d;
  return "cohort.db";
}

std::string default_actor() {
  if (auto u = env("SFCOHORT_USER"); !u.empty()) return u;
  if (const char* l = getlogin(); l && *l) return l;
  if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  if (auto u = env("USER"); !u.empty()) return u;
  return "unknown";
}

void request_interrupt() { g_interrupted.store(true, std::memory_order_relaxed); }
bool interrupted() { return g_interrupted.load(std::memory_order_relaxed); }

}  // namespace sfcohort

#include "cli.hpp"

#include <unistd.h>

#include <cstdio>

namespace sfcohort::cli {

Context Globals::context(const std::string& command) const {
  Context c;
  c.db_path = db.empty() ? default_db_path() : db;
  c.keys_dir = default_keys_dir();
  c.actor = as.empty() ? default_actor() : as;
  if (!purpose.empty()) {
    c.purpose = purpose;
  } else if (const char* p = std::getenv("SFCOHORT_PURPOSE")) {
    c.purpose = p;
  }
  c.command = command;
  return c;
}

void warn(const Globals& g, const std::string& message) {
  if (g.quiet) return;
  std::fprintf(stderr, "sfcohort: warning: %s\n", message.c_str());
}

void print_error(const Error& e) {
  std::fflush(stdout);
  std::fprintf(stderr, "sfcohort: error: %s\n", e.message.c_str());
  for (const auto& h : e.hints) std::fprintf(stderr, "sfcohort: hint: %s\n", h.c_str());
}

void note(const Globals& g, const std::string& message) {
  if (g.quiet) return;
  std::fprintf(stderr, "%s\n", message.c_str());
}

bool show_progress(const Globals& g) { return !g.quiet && isatty(STDERR_FILENO); }

std::string with_commas(long long n) {
  std::string s = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return n < 0 ? "-" + s : s;
}

}  // namespace sfcohort::cli

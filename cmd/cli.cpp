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
  std::fflush(stdout);
  std::fprintf(stderr, "sfcohort: warning: %s\n", message.c_str());
}

void print_error(const Error& e) {
  std::fflush(stdout);
  std::fprintf(stderr, "sfcohort: error: %s\n", e.message.c_str());
  std::vector<std::string> hints = e.hints;
  if (e.subject == Error::Subject::kDatabaseName) {
    for (auto& h : hints) {
      if (h == "name the cohort database to use") {
        h = "name the cohort database with --db or $SFCOHORT_DB";
      } else if (h == "create it with 'sfcohort init', or name another database") {
        h = "create it with 'sfcohort init', or name another with --db or $SFCOHORT_DB";
      }
    }
  }
  for (const auto& h : hints) std::fprintf(stderr, "sfcohort: hint: %s\n", h.c_str());
}

void note(const Globals& g, const std::string& message) {
  if (g.quiet) return;
  std::fflush(stdout);  // keep the order a person reads on a terminal
  std::fprintf(stderr, "%s\n", message.c_str());
}

bool show_progress(const Globals& g) { return !g.quiet && isatty(STDERR_FILENO); }

std::string with_commas(long long n) {
  std::string s = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return n < 0 ? "-" + s : s;
}

}  // namespace sfcohort::cli

#include <sys/stat.h>

#include <chrono>

namespace sfcohort::cli {

namespace {
double seconds_now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

Progress::Progress(const Globals& g, std::string label, uint64_t total)
    : on_(show_progress(g)), label_(std::move(label)), total_(total) {}

Progress::~Progress() { done(); }

void Progress::update(uint64_t n) {
  if (!on_) return;
  double t = seconds_now();
  if (t - last_ < 0.1) return;
  last_ = t;
  if (total_ > 0) {
    int pct = static_cast<int>(100.0 * static_cast<double>(std::min(n, total_)) /
                               static_cast<double>(total_));
    int width = 30, fill = pct * width / 100;
    std::fprintf(stderr, "\r%s [%s%s] %3d%%", label_.c_str(),
                 std::string(static_cast<size_t>(fill), '#').c_str(),
                 std::string(static_cast<size_t>(width - fill), '.').c_str(), pct);
  } else {
    std::fprintf(stderr, "\r%s %s", label_.c_str(), with_commas(static_cast<long long>(n)).c_str());
  }
  std::fflush(stderr);
}

void Progress::done() {
  if (!on_) return;
  on_ = false;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

uint64_t file_size(const std::string& path) {
  struct stat st;
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace sfcohort::cli

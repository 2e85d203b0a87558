#include "cli.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "sfcohort/io.hpp"
#include "sfcohort/partners.hpp"
#include "share.hpp"

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
  for (const auto& m : e.more) std::fprintf(stderr, "sfcohort: error: %s\n", m.c_str());
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
  if (e.subject == Error::Subject::kColumns)
    hints.push_back(
        "give a column by hand with --map FIELD=HEADER; 'man sfcohort-import' lists the known "
        "column names");
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

std::string counted(long long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
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

// The sealing flags and passphrases, as share.hpp declares them: what share,
// export and lookup have in common.
// ---------------------------------------------------------------- passphrases

std::string passphrase_file(const std::string& option) {
  if (!option.empty()) return option;
  const char* env = std::getenv("SFCOHORT_PASSPHRASE_FILE");
  return env ? std::string(env) : std::string();
}

bool can_prompt() {
  if (!isatty(STDIN_FILENO)) return false;
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

Result<std::string> read_passphrase_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::move(text).error();
  std::string pw = text->substr(0, text->find('\n'));
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  if (pw.empty()) return Error(Errc::kCrypto, path + ": the passphrase file's first line is empty");
  return pw;
}

Result<std::string> prompt_tty(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return crypto_error("cannot open the terminal to ask for the passphrase");
  termios old{};
  bool restore = tcgetattr(fd, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string msg = prompt + ": ";
  (void)!::write(fd, msg.data(), msg.size());
  std::string pw;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') pw.push_back(c);
  if (restore) tcsetattr(fd, TCSAFLUSH, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  if (pw.empty()) return crypto_error("no passphrase given");
  return pw;
}

keys::PassphraseSource passphrase_source(const std::string& file, const std::string& prompt) {
  return [file, prompt]() -> Result<std::string> {
    if (!file.empty()) return read_passphrase_file(file);
    if (can_prompt()) return prompt_tty(prompt);
    return Error(Errc::kCrypto, "the key is protected by a passphrase, and none was given",
                 {"give --passphrase-file FILE or set SFCOHORT_PASSPHRASE_FILE"});
  };
}

// ---------------------------------------------------------------- sealing flags

void add_seal_flags(CLI::App* sub, SealFlags& f, const SealFlagsHelp& help) {
  sub->add_option("--to", f.to, help.to);
  if (help.recipients) {
    sub->add_option("--recipient", f.recipients, help.recipient);
    sub->add_option("--reason", f.reason, "why --recipient is used, for the audit trail");
  }
  sub->add_flag("--armor", f.armor, help.armor);
  sub->add_option("--passphrase-file", f.passphrase_file, help.passphrase_file);
}

Status check_seal_flags(const SealFlags& f) {
  if (f.to.empty() && f.recipients.empty()) {
    return Error(Errc::kInvalidInput, "say who may open the file",
                 {"--to PARTNER (from the register), or --recipient age1... with --reason TEXT"});
  }
  if (!f.recipients.empty() && f.reason.empty()) {
    return Error(Errc::kInvalidInput,
                 "--recipient bypasses the partner register, so it needs --reason",
                 {"e.g. --reason 'court order 2024/117'"});
  }
  return Ok{};
}

exchange::SealRequest seal_request(const SealFlags& f) {
  exchange::SealRequest req;
  req.partners = f.to;
  req.recipients = f.recipients;
  req.reason = f.reason;
  req.armor = f.armor;
  return req;
}

Status check_partners(Store& store, const SealFlags& f, const std::string& profile) {
  partners::Refusal why;
  auto d = partners::destination(store, f.to, profile, Store::today(), &why);
  if (d) return Ok{};
  Error e = std::move(d).error();
  // A refused share is on the record too: who tried to send what to whom.
  if (e.code == Errc::kPolicy || e.code == Errc::kInvalidInput) {
    nlohmann::json to = f.to;
    if (auto a = store.audit(why.partner.empty() ? "share refused" : "partner " + why.partner,
                             {{"refused", e.message}, {"to", to}, {"profile", profile}});
        !a) {
      return a.error();
    }
  }
  if (e.code != Errc::kPolicy || why.partner.empty()) return e;
  const std::string update = "sfcohort share partner update '" + why.partner + "' ";
  using K = partners::Standing::Kind;
  if (why.profile) {
    e.hints = {"if the agreements allow it: " + update + "--allow full"};
  } else if (why.standing.kind == K::kMissing) {
    e.hints = {"record the agreement with: " + update + "--agreement " + why.standing.agreement +
               "=DATE"};
  } else if (why.standing.kind == K::kExpired) {
    e.hints = {"record the renewed agreement with: " + update +
               "--agreement isa=DATE --expires DATE"};
  }
  return e;
}

std::string sealed_for(const SealFlags& f) {
  std::string names;
  for (const auto& n : f.to) names += (names.empty() ? "" : ", ") + n;
  return names.empty() ? "the given recipients" : names;
}

}  // namespace sfcohort::cli

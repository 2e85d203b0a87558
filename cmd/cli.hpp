// What every command file shares: the global options, the deferred action a
// subcommand's callback records, and the one way errors are printed.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "sfcohort/context.hpp"
#include "sfcohort/result.hpp"

namespace sfcohort::cli {

struct Globals {
  std::string db;
  std::string as;
  std::string purpose;
  bool quiet = false;

  // The library's view of the globals, with defaults from the environment.
  Context context(const std::string& command) const;
};

// A command's run: returns the exit status of an answer (0 or 1), or an Error.
using Action = std::function<Result<int>()>;

// Registers a subcommand on APP. Its callback stores the run in ACTION; main
// runs it after parsing succeeded, so errors are handled in one place.
using AddCommand = void (*)(CLI::App& app, Globals& g, Action& action);

void add_init(CLI::App& app, Globals& g, Action& action);
void add_import(CLI::App& app, Globals& g, Action& action);
void add_lookup(CLI::App& app, Globals& g, Action& action);
void add_check(CLI::App& app, Globals& g, Action& action);
void add_nominate(CLI::App& app, Globals& g, Action& action);
void add_export(CLI::App& app, Globals& g, Action& action);
void add_share(CLI::App& app, Globals& g, Action& action);
void add_audit(CLI::App& app, Globals& g, Action& action);
void add_report(CLI::App& app, Globals& g, Action& action);
void add_criteria(CLI::App& app, Globals& g, Action& action);
void add_family(CLI::App& app, Globals& g, Action& action);
void add_person(CLI::App& app, Globals& g, Action& action);
void add_sar(CLI::App& app, Globals& g, Action& action);
void add_retention(CLI::App& app, Globals& g, Action& action);
void add_admin(CLI::App& app, Globals& g, Action& action);
void add_train(CLI::App& app, Globals& g, Action& action);
void add_evidence(CLI::App& app, Globals& g, Action& action);
void add_identify(CLI::App& app, Globals& g, Action& action);

// "sfcohort: warning: ..." on stderr (suppressed by -q).
void warn(const Globals& g, const std::string& message);
// "sfcohort: error: ..." plus "sfcohort: hint: ..." lines on stderr.
void print_error(const Error& e);
// Progress and chatter: stderr, only when -q is not given.
void note(const Globals& g, const std::string& message);
// True when stderr is a terminal and -q is not given: progress bars allowed.
bool show_progress(const Globals& g);

// 12,345 — thousands separated, for counts shown to people.
std::string with_commas(long long n);
// "1 family", "2 families": N and the word ONE or MANY.
std::string counted(long long n, const char* one, const char* many);

}  // namespace sfcohort::cli

namespace sfcohort::cli {

// A one-line progress bar on stderr, drawn only when show_progress(g) and at
// most ten times a second; cleared when done or destroyed.
class Progress {
 public:
  Progress(const Globals& g, std::string label, uint64_t total);
  ~Progress();
  void update(uint64_t done);
  // The same, with the total now known (0: unknown, DONE is shown as a count).
  void update(uint64_t done, uint64_t total) {
    total_ = total;
    update(done);
  }
  void done();

 private:
  bool on_;
  std::string label_;
  uint64_t total_;
  double last_ = 0;
};

// The size of a regular file, or 0 (standard input, pipes).
uint64_t file_size(const std::string& path);

}  // namespace sfcohort::cli

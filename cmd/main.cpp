// The only file that sees argv: builds the CLI from the command table, runs
// the chosen command and maps its outcome to the contract's exit statuses.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <iostream>

#include "cli.hpp"
#include "sfcohort/io.hpp"

using namespace sfcohort;
using namespace sfcohort::cli;

namespace {

struct CommandEntry {
  const char* name;
  AddCommand add;
};

// Every subcommand, in the order `sfcohort --help` lists them.
constexpr CommandEntry kCommands[] = {
    {"init", add_init},         {"import", add_import},       {"lookup", add_lookup},
    {"check", add_check},       {"nominate", add_nominate},   {"export", add_export},
    {"share", add_share},       {"audit", add_audit},         {"family", add_family},
    {"person", add_person},     {"report", add_report},       {"criteria", add_criteria},
    {"sar", add_sar},           {"retention", add_retention}, {"admin", add_admin},
    {"evidence", add_evidence}, {"identify", add_identify},   {"train", add_train},
};

// Where in ARGV the command's name is: the first word that is not a global
// option or its value; ARGC when there is none (sfcohort --help).
int command_at(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--db" || a == "--as" || a == "--purpose") {
      ++i;
      continue;
    }
    if (a.empty() || a[0] == '-') continue;
    return i;
  }
  return argc;
}

// A signal that ends the command: its named scratch files go first (an
// unnamed output file goes with the process), then the signal does its
// default work, so the shell sees how the command ended.
void on_fatal_signal(int sig) {
  remove_live_temporaries();
  signal(sig, SIG_DFL);
  raise(sig);
}

void on_sigint(int) {
  request_interrupt();
  // A second ^C stops at once.
  signal(SIGINT, on_fatal_signal);
}

int exit_status(Errc c) { return static_cast<int>(c); }

}  // namespace

int main(int argc, char** argv) {
  signal(SIGINT, on_sigint);
  signal(SIGTERM, on_fatal_signal);
  signal(SIGHUP, on_fatal_signal);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);  // a file-size limit is a write error, not a crash

  CLI::App app{"sfcohort: the Stronger Families cohort toolkit", "sfcohort"};
  app.set_version_flag("--version", std::string("sfcohort ") + SFCOHORT_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

  Globals g;
  app.add_option("--db", g.db, "the cohort database (default $SFCOHORT_DB, else ./cohort.db)");
  app.add_option("--as", g.as, "who is acting, for the audit trail (default $SFCOHORT_USER)");
  app.add_option("--purpose", g.purpose, "why personal data is used, for the audit trail");
  app.add_flag("-q,--quiet", g.quiet, "no progress or chatter on stderr");

  // Only the command being run is built (a single lookup is a whole process,
  // and building every command's options is a measurable part of its start);
  // all of them when none is named, for `sfcohort --help`.
  Action action;
  const int at_word = command_at(argc, argv);
  const std::string word = at_word < argc ? argv[at_word] : "";
  bool known = false;
  for (const auto& c : kCommands) {
    if (word.empty() || word == c.name) {
      c.add(app, g, action);
      known = true;
    }
  }
  // Name an unknown command plainly, rather than CLI11's "a subcommand is required".
  if (!known) {
    print_error(Error(Errc::kInvalidInput, "'" + word + "' is not an sfcohort command",
                      {"the commands are listed by 'sfcohort --help'"}));
    return 2;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (!what.empty())
      what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    // A word after a command that takes subcommands and is none of them:
    // after the command, the words naming the subcommands given are passed
    // in order, and the first other one is what the deepest did not know.
    if (what == "a subcommand is required" && at_word < argc) {
      std::string path = "sfcohort " + word;
      CLI::App* at = app.get_subcommands().empty() ? nullptr : app.get_subcommands().front();
      for (int i = at_word + 1; at && i < argc; ++i) {
        if (argv[i][0] == '-') continue;
        auto subs = at->get_subcommands();
        if (!subs.empty() && argv[i] == subs.front()->get_name()) {
          at = subs.front();
          path += " " + at->get_name();
          continue;
        }
        what = std::string("'") + argv[i] + "' is not a subcommand of '" + path + "'";
        break;
      }
    }
    print_error(Error(
        Errc::kInvalidInput, what,
        {word.empty() ? "see 'sfcohort --help' or 'man sfcohort'"
                      : "see 'sfcohort " + word + " --help' or 'man sfcohort-" + word + "'"}));
    return 2;
  }

  int status = 0;
  try {
    if (!action) {
      print_error(internal_error("no command to run"));
      return 70;
    }
    Result<int> r = action();
    if (!r) {
      print_error(r.error());
      status = exit_status(r.error().code);
    } else {
      status = *r;
    }
  } catch (const std::bad_alloc&) {
    print_error(Error(Errc::kEnvironment, "out of memory"));
    return 3;
  } catch (const std::exception& e) {
    print_error(internal_error(std::string("internal error: ") + e.what()));
    std::fputs("sfcohort: hint: this is a bug: please report it with the command you ran\n",
               stderr);
    return 70;
  }
  // A full disk or a closed pipe must not look like success; a command that
  // already failed (and said why, perhaps this same write) says nothing more.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    if (status != 0 && status != 1) return status;
    print_error(environment_error("standard output: cannot write (is the disk full?)"));
    return 3;
  }
  return status;
}

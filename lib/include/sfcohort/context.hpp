// Who is acting, on which database, with which keys: what every library call
// that touches personal data needs to know to do it and to audit it.
#pragma once

#include <atomic>
#include <string>

namespace sfcohort {

struct Context {
  std::string db_path;   // the cohort database
  std::string keys_dir;  // holds audit.key, age.key, minisign.key, minisign.pub
  std::string actor;     // --as: written to the audit trail
  std::string purpose;   // --purpose: written to the audit trail
  std::string command;   // the command line's verb, e.g. "import" or "share seal"
};

// $SFCOHORT_KEYS, else $XDG_CONFIG_HOME/sfcohort/keys, else ~/.config/sfcohort/keys.
std::string default_keys_dir();
// $SFCOHORT_DB, else ./cohort.db.
std::string default_db_path();
// $SFCOHORT_USER, else the login name, else "unknown".
std::string default_actor();

// Set from a SIGINT handler; long-running loops poll it and stop with
// Errc::kInterrupted, leaving nothing half-written.
void request_interrupt();
bool interrupted();

}  // namespace sfcohort

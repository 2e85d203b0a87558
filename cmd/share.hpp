// What `share` and `export` both need in the command layer: where a
// passphrase comes from (--passphrase-file, $SFCOHORT_PASSPHRASE_FILE, or a
// prompt on the terminal; never the command line).
#pragma once

#include <optional>
#include <string>

#include "cli.hpp"
#include "sfcohort/keys.hpp"

namespace sfcohort::cli {

// The file named by --passphrase-file, else $SFCOHORT_PASSPHRASE_FILE, else "".
std::string passphrase_file(const std::string& option);

// Reads the passphrase on demand: from FILE (its first line), else from the
// terminal (prompting with PROMPT), else an Errc::kCrypto error with hints.
keys::PassphraseSource passphrase_source(const std::string& file, const std::string& prompt);

// True when a prompt is possible: /dev/tty can be opened and stdin is a terminal.
bool can_prompt();

}  // namespace sfcohort::cli

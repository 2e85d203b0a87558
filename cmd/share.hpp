// What `share`, `export` and `lookup` share in the command layer: the one
// declaration of the sealing flags, and where a passphrase comes from
// (--passphrase-file, $SFCOHORT_PASSPHRASE_FILE, or a prompt on the
// terminal; never the command line).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "sfcohort/exchange.hpp"
#include "sfcohort/keys.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::cli {

// The sealing flags of a command that writes a file for partners.
struct SealFlags {
  std::vector<std::string> to;          // --to: registered partners
  std::vector<std::string> recipients;  // --recipient: age recipients outside the register
  std::string reason;                   // --reason: why --recipient is used
  bool armor = false;                   // --armor
  std::string passphrase_file;          // --passphrase-file: of the signing key
};

// The help texts of the flags, where a command words them its own way.
struct SealFlagsHelp {
  const char* to = "seal to this registered partner; repeat for several";
  bool recipients = true;  // offer --recipient and --reason
  const char* recipient = "seal to an age recipient outside the register (needs --reason)";
  const char* armor = "write the age file as ASCII armor (PEM)";
  const char* passphrase_file = "the passphrase of a protected signing key (first line)";
};

// Declares --to, --recipient, --reason, --armor and --passphrase-file on SUB,
// stored in F (which must outlive SUB's parse).
void add_seal_flags(CLI::App* sub, SealFlags& f, const SealFlagsHelp& help = {});

// Checks the flags name who may open the file, and --recipient comes with
// --reason: Errc::kInvalidInput with hints otherwise.
Status check_seal_flags(const SealFlags& f);

// The library's request for F (partners, recipients, reason, armor).
exchange::SealRequest seal_request(const SealFlags& f);

// Checks the partners of F may receive a file in PROFILE ("" for any file)
// on TODAY, before anything is written: the library's refusal, with hints
// naming the options that would fix it.
Status check_partners(Store& store, const SealFlags& f, const std::string& profile);

// "for P1, P2" as the commands print it, or "for the given recipients".
std::string sealed_for(const SealFlags& f);

// The file named by --passphrase-file, else $SFCOHORT_PASSPHRASE_FILE, else "".
std::string passphrase_file(const std::string& option);

// Reads the passphrase on demand: from FILE (its first line), else from the
// terminal (prompting with PROMPT), else an Errc::kCrypto error with hints.
keys::PassphraseSource passphrase_source(const std::string& file, const std::string& prompt);

// The first line of FILE, the passphrase; Errc::kCrypto if it is empty.
Result<std::string> read_passphrase_file(const std::string& path);

// Asks for a passphrase on the terminal, without echo.
Result<std::string> prompt_tty(const std::string& prompt);

// True when a prompt is possible: /dev/tty can be opened and stdin is a terminal.
bool can_prompt();

// `share partner ...`: the partner register (cli_share_partner.cpp).
void add_share_partner(CLI::App* share, Globals& g, Action& action);
// `share partner list` and `show` in FORMAT, text or json (cli_share_partner_show.cpp).
Result<int> run_partner_list(const Globals& g, const std::string& format);
Result<int> run_partner_show(const Globals& g, const std::string& name, const std::string& format);

}  // namespace sfcohort::cli

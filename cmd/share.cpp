// sfcohort share: the team's keys, and sealing and opening files exchanged
// with partners (the partner register is cli_share_partner.cpp).
#include "share.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "sfcohort/exchange.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/partners.hpp"
#include "sfcohort/seal.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::cli {

namespace {

// ---------------------------------------------------------------- options

struct KeygenOptions {
  bool force = false;
  std::string passphrase_file;
};

struct SealOptions {
  std::string file;
  SealFlags seal;
  std::string output;
};

struct OpenOptions {
  std::string file, from, output, passphrase_file;
  bool no_verify = false;
};

Result<Store> open_store(const Globals& g, const std::string& command) {
  return Store::open(g.context(command));
}

std::string keys_dir(const Globals& g) { return g.context("share").keys_dir; }

// ---------------------------------------------------------------- keygen, pubkey

Result<int> run_keygen(const Globals& g, const KeygenOptions& o) {
  keys::KeygenOptions ko;
  ko.force = o.force;
  std::string file = passphrase_file(o.passphrase_file);
  if (!file.empty()) {
    auto pw = read_passphrase_file(file);
    if (!pw) return std::move(pw).error();
    ko.passphrase = std::move(*pw);
  } else if (can_prompt()) {
    auto a = prompt_tty("passphrase for the team keys (empty: none)");
    if (a) {
      auto b = prompt_tty("the same passphrase again");
      if (!b) return std::move(b).error();
      if (*a != *b) return crypto_error("the passphrases differ");
      ko.passphrase = std::move(*a);
    }
  }
  std::string dir = keys_dir(g);
  if (auto existing = keys::existing_key_file(dir); existing && !o.force) {
    return Error(Errc::kInvalidInput, *existing + ": the team keys already exist",
                 {"partners hold the current public keys; replace them only with --force, then "
                  "send 'sfcohort share pubkey' to every partner"});
  }
  auto pub = keys::generate(dir, ko);
  if (!pub) return std::move(pub).error();
  if (!ko.passphrase) {
    warn(g, "the secret keys in " + dir +
                " are not protected by a passphrase (owner-only files); give --passphrase-file "
                "or $SFCOHORT_PASSPHRASE_FILE to protect them");
  }
  std::printf("team keys written to %s%s\n", dir.c_str(),
              ko.passphrase ? " (protected by the passphrase)" : "");
  std::printf("age recipient:  %s\n", pub->recipient.to_string().c_str());
  std::printf("minisign key:   %s\n", pub->sign_key.base64().c_str());
  note(g, "give partners both lines of 'sfcohort share pubkey'");
  return 0;
}

Result<int> run_pubkey(const Globals& g) {
  auto pub = keys::load_public(keys_dir(g));
  if (!pub) return std::move(pub).error();
  std::printf("%s\n%s\n", pub->recipient.to_string().c_str(), pub->sign_key.base64().c_str());
  return 0;
}

// ---------------------------------------------------------------- seal, open

Result<int> run_seal(const Globals& g, const SealOptions& o) {
  std::string out = o.output.empty() ? o.file + ".age" : o.output;
  if (out == "-") {
    return invalid_input("share seal: --output must name a file (the signature goes beside it)");
  }
  auto store = open_store(g, "share seal");
  if (!store) return std::move(store).error();
  SF_TRY(check_seal_flags(o.seal));
  SF_TRY(check_partners(*store, o.seal, ""));
  exchange::SealRequest req = seal_request(o.seal);
  const std::string name = std::filesystem::path(o.file).filename().string();
  req.audit_subject = "file " + name;
  req.audit_detail = {{"file", name}, {"families", nullptr}};
  std::error_code ec;
  if (std::filesystem::is_directory(o.file, ec)) {
    return Error(Errc::kEnvironment, o.file + ": is a directory, not a file to seal");
  }
  FILE* in = std::fopen(o.file.c_str(), "rb");
  if (!in) return errno_error(o.file, "cannot read");
  std::unique_ptr<FILE, int (*)(FILE*)> closer(in, std::fclose);
  age::FileSource src(in, o.file);
  auto sealed = exchange::seal_for(
      *store, src, out, req,
      passphrase_source(passphrase_file(o.seal.passphrase_file), "passphrase for minisign.key"));
  if (!sealed) return std::move(sealed).error();
  std::printf("sealed %s for %s\n", o.file.c_str(), sealed_for(o.seal).c_str());
  std::printf("  %s\n  %s\n", sealed->path.c_str(), sealed->signature_path.c_str());
  return 0;
}

Result<int> run_open(const Globals& g, const OpenOptions& o) {
  std::string out = o.output;
  if (out.empty()) {
    namespace fs = std::filesystem;
    fs::path p(o.file);
    if (p.extension() != ".age") {
      return Error(Errc::kInvalidInput, o.file + ": the name does not end in .age",
                   {"name the output with --output FILE (or - for standard output)"});
    }
    out = (p.parent_path() / p.stem()).string();
  }
  // A missing file is an environment error, not a missing signature. Checked
  // without opening it: a named pipe opened here would give its one reading
  // to this check, and the open proper would then wait for a writer forever.
  if (::access(o.file.c_str(), R_OK) != 0) return errno_error(o.file, "cannot read");
  auto store = open_store(g, "share open");
  if (!store) return std::move(store).error();
  if (!o.from.empty() && !o.no_verify) {
    // The library refuses this too; here the hint can name the options.
    auto p = partners::get(*store, o.from);
    if (p && p->sign_key.empty()) {
      return Error(Errc::kCrypto, "partner '" + p->name + "' has no signing key in the register",
                   {"record it with 'sfcohort share partner update '" + p->name +
                    "' --sign-key RW...', or use --no-verify"});
    }
  }
  exchange::OpenRequest req;
  req.from = o.from;
  req.verify = !o.no_verify;
  req.audit_detail = {{"families", nullptr}};
  // A passphrase source also opens passphrase (scrypt) files.
  std::string pf = passphrase_file(o.passphrase_file);
  if (!pf.empty()) {
    if (auto pw = read_passphrase_file(pf)) req.passphrases.push_back(*pw);
  }
  auto got = exchange::open_to_file(*store, o.file, out, req,
                                    passphrase_source(pf, "passphrase for age.key"));
  if (!got) {
    Error e = std::move(got).error();
    if (e.code == Errc::kCrypto && e.hints.empty()) {
      e.hints.push_back("nothing was written; check the file came from the partner intact");
    }
    return e;
  }
  std::string summary = "opened " + o.file +
                        (got->opened.verified ? ", signed by " + got->partner
                                              : ", signature not checked (--no-verify)");
  if (out == "-") {
    note(g, summary);
  } else {
    std::printf("%s\n  %s\n", summary.c_str(), out.c_str());
  }
  if (!got->opened.verified) warn(g, "the sender of " + o.file + " was not verified");
  return 0;
}

}  // namespace

void add_share(CLI::App& app, Globals& g, Action& action) {
  CLI::App* share = app.add_subcommand("share", "keys, partners, and sealed files for partners");
  share->require_subcommand(1);

  auto kg = std::make_shared<KeygenOptions>();
  CLI::App* keygen = share->add_subcommand("keygen", "make the team's age and minisign keys");
  keygen->add_flag("--force", kg->force, "replace existing keys");
  keygen->add_option("--passphrase-file", kg->passphrase_file,
                     "protect the secret keys with the passphrase on this file's first line");
  keygen->callback([&g, &action, kg] { action = [&g, kg] { return run_keygen(g, *kg); }; });

  CLI::App* pubkey =
      share->add_subcommand("pubkey", "print the team's age recipient and minisign key");
  pubkey->callback([&g, &action] { action = [&g] { return run_pubkey(g); }; });

  add_share_partner(share, g, action);

  auto so = std::make_shared<SealOptions>();
  CLI::App* sealc = share->add_subcommand("seal", "encrypt and sign a file for partners");
  sealc->add_option("file", so->file, "the file to seal")->required();
  add_seal_flags(
      sealc, so->seal,
      {.to = "a partner from the register; repeat for several",
       .recipient = "an age recipient outside the register (needs --reason); repeatable"});
  sealc->add_option("--output", so->output,
                    "the age file (default FILE.age); the signature is OUTPUT.minisig");
  sealc->callback([&g, &action, so] { action = [&g, so] { return run_seal(g, *so); }; });

  auto oo = std::make_shared<OpenOptions>();
  CLI::App* openc =
      share->add_subcommand("open", "decrypt a file from a partner and verify its signature");
  openc->add_option("file", oo->file, "the age file (FILE.minisig beside it is the signature)")
      ->required();
  openc->add_option("--from", oo->from,
                    "the partner who must have signed it (default: any registered)");
  openc->add_flag("--no-verify", oo->no_verify, "open without checking the signature (audited)");
  openc->add_option("--output", oo->output,
                    "where the plaintext goes (default FILE without .age; - for stdout)");
  openc->add_option(
      "--passphrase-file", oo->passphrase_file,
      "the passphrase of a protected age.key, or of a passphrase-sealed file (first line)");
  openc->callback([&g, &action, oo] { action = [&g, oo] { return run_open(g, *oo); }; });
}

}  // namespace sfcohort::cli

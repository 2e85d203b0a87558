// sfcohort share: the team's keys, the partner register, and sealing and
// opening files exchanged with partners.
#include "share.hpp"

#include <fcntl.h>
#include <termios.h>
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

namespace {

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

}  // namespace

keys::PassphraseSource passphrase_source(const std::string& file, const std::string& prompt) {
  return [file, prompt]() -> Result<std::string> {
    if (!file.empty()) return read_passphrase_file(file);
    if (can_prompt()) return prompt_tty(prompt);
    return Error(Errc::kCrypto, "the key is protected by a passphrase, and none was given",
                 {"give --passphrase-file FILE or set SFCOHORT_PASSPHRASE_FILE"});
  };
}

namespace {

// ---------------------------------------------------------------- options

struct KeygenOptions {
  bool force = false;
  std::string passphrase_file;
};

struct PartnerAddOptions {
  std::string name, recipient, sign_key, expires, legal_basis, allow = "basic";
  std::vector<std::string> agreements;
};

struct PartnerNameOptions {
  std::string name;
  std::string format = "text";
};

struct SealOptions {
  std::string file;
  std::vector<std::string> to, recipients;
  std::string reason, output, passphrase_file;
  bool armor = false;
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

// ---------------------------------------------------------------- partner register

Result<std::optional<std::string>> normalise_date(const std::string& text,
                                                  const std::string& what) {
  if (text.empty()) return std::optional<std::string>();
  auto d = parse_date(text);
  if (!d) return invalid_input(what + ": " + d.error().message);
  return std::optional<std::string>(d->iso());
}

Result<int> run_partner_add(const Globals& g, const PartnerAddOptions& o) {
  partners::Partner p;
  p.name = o.name;
  p.recipient = o.recipient;
  p.sign_key = o.sign_key;
  p.legal_basis = o.legal_basis;
  p.allow = o.allow;
  for (const auto& a : o.agreements) {
    size_t eq = a.find('=');
    if (eq == std::string::npos) {
      return Error(Errc::kInvalidInput, "--agreement '" + a + "': expected KIND=DATE",
                   {"kinds: isa, dsp (or dsf), mou; e.g. --agreement isa=2024-04-01"});
    }
    std::string kind = to_lower_ascii(trim(a.substr(0, eq)));
    auto date = normalise_date(trim(a.substr(eq + 1)), "--agreement " + kind);
    if (!date) return std::move(date).error();
    if (!*date) return invalid_input("--agreement " + kind + ": no date");
    if (kind == "isa") {
      p.isa = *date;
    } else if (kind == "dsp" || kind == "dsf") {
      p.dsp = *date;
    } else if (kind == "mou") {
      p.mou = *date;
    } else {
      return Error(Errc::kInvalidInput, "--agreement '" + a + "': unknown agreement '" + kind + "'",
                   {"kinds: isa, dsp (or dsf), mou"});
    }
  }
  auto exp = normalise_date(o.expires, "--expires");
  if (!exp) return std::move(exp).error();
  p.expires = *exp;
  auto store = open_store(g, "share partner add");
  if (!store) return std::move(store).error();
  p.added_by = store->context().actor;
  auto is_new = partners::add(*store, p);
  if (!is_new) return std::move(is_new).error();
  auto saved = partners::get(*store, p.name);
  if (!saved) return std::move(saved).error();
  std::printf("%s partner '%s'\n", *is_new ? "added" : "updated", saved->name.c_str());
  if (auto c = partners::check_agreements(*saved, Store::today()); !c) {
    warn(g, c.error().message + " (sharing with this partner is refused until this is recorded)");
  }
  return 0;
}

std::string status_of(const partners::Partner& p) {
  auto c = partners::check_agreements(p, Store::today());
  if (c) return "ok";
  const std::string& m = c.error().message;
  if (m.find("expired") != std::string::npos) return "expired";
  if (m.find("after today") != std::string::npos) return "not yet";
  return "missing";
}

Result<int> run_partner_list(const Globals& g, const PartnerNameOptions& o) {
  auto store = open_store(g, "share partner list");
  if (!store) return std::move(store).error();
  auto all = partners::list(*store);
  if (!all) return std::move(all).error();
  if (o.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& p : *all) {
      auto j = p.to_json();
      j["status"] = status_of(p);
      arr.push_back(j);
    }
    std::printf("%s\n", arr.dump().c_str());
    return 0;
  }
  if (all->empty()) {
    std::printf("no partners registered\n");
    note(g,
         "add one with 'sfcohort share partner add NAME --recipient age1... --agreement isa=DATE "
         "...'");
    return 0;
  }
  size_t w = 4;
  for (const auto& p : *all) w = std::max(w, p.name.size());
  auto d = [](const std::optional<std::string>& v) { return v ? *v : std::string("-"); };
  std::printf("%-*s  %-8s  %-5s  %-10s  %-10s  %-10s  %s\n", static_cast<int>(w), "NAME", "STATUS",
              "ALLOW", "ISA", "DSP", "MOU", "EXPIRES");
  for (const auto& p : *all) {
    std::printf("%-*s  %-8s  %-5s  %-10s  %-10s  %-10s  %s\n", static_cast<int>(w), p.name.c_str(),
                status_of(p).c_str(), p.allow.c_str(), d(p.isa).c_str(), d(p.dsp).c_str(),
                d(p.mou).c_str(), d(p.expires).c_str());
  }
  return 0;
}

Result<int> run_partner_show(const Globals& g, const PartnerNameOptions& o) {
  auto store = open_store(g, "share partner show");
  if (!store) return std::move(store).error();
  auto p = partners::get(*store, o.name);
  if (!p) return std::move(p).error();
  if (o.format == "json") {
    auto j = p->to_json();
    j["status"] = status_of(*p);
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  auto d = [](const std::optional<std::string>& v) { return v ? *v : std::string("(none)"); };
  auto c = partners::check_agreements(*p, Store::today());
  std::printf("%s\n", p->name.c_str());
  std::printf("  status       %s\n", c ? "ok: sharing allowed" : c.error().message.c_str());
  std::printf("  recipient    %s\n", p->recipient.c_str());
  std::printf("  sign key     %s\n",
              p->sign_key.empty() ? "(none: its files cannot be verified)" : p->sign_key.c_str());
  std::printf("  isa          %s\n", d(p->isa).c_str());
  std::printf("  dsp          %s\n", d(p->dsp).c_str());
  std::printf("  mou          %s\n", d(p->mou).c_str());
  std::printf("  expires      %s\n", d(p->expires).c_str());
  std::printf("  allow        %s\n", p->allow.c_str());
  std::printf("  legal basis  %s\n", p->legal_basis.empty() ? "(none)" : p->legal_basis.c_str());
  std::printf("  added        %s by %s\n", p->added_at.c_str(), p->added_by.c_str());
  return 0;
}

Result<int> run_partner_remove(const Globals& g, const PartnerNameOptions& o) {
  auto store = open_store(g, "share partner remove");
  if (!store) return std::move(store).error();
  auto p = partners::get(*store, o.name);
  if (!p) return std::move(p).error();
  SF_TRY(partners::remove(*store, p->name));
  std::printf("removed partner '%s'\n", p->name.c_str());
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
  exchange::SealRequest req;
  req.partners = o.to;
  req.recipients = o.recipients;
  req.reason = o.reason;
  req.armor = o.armor;
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
      passphrase_source(passphrase_file(o.passphrase_file), "passphrase for minisign.key"));
  if (!sealed) return std::move(sealed).error();
  std::string names;
  for (const auto& n : o.to) names += (names.empty() ? "" : ", ") + n;
  std::printf("sealed %s for %s\n", o.file.c_str(),
              names.empty() ? "the given recipients" : names.c_str());
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
  // A missing file is an environment error, not a missing signature.
  if (std::FILE* f = std::fopen(o.file.c_str(), "rb")) {
    std::fclose(f);
  } else {
    return errno_error(o.file, "cannot read");
  }
  auto store = open_store(g, "share open");
  if (!store) return std::move(store).error();
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

  CLI::App* partner = share->add_subcommand("partner", "the partner register");
  partner->require_subcommand(1);
  auto pa = std::make_shared<PartnerAddOptions>();
  CLI::App* add =
      partner->add_subcommand("add", "add a partner, or update one (a renewed agreement)");
  add->add_option("name", pa->name, "the partner's name, e.g. 'West Yorkshire Police'")->required();
  add->add_option("--recipient", pa->recipient, "the partner's age recipient (age1...)")
      ->required();
  add->add_option("--sign-key", pa->sign_key, "the partner's minisign public key (RW...)");
  add->add_option("--agreement", pa->agreements,
                  "KIND=DATE: isa, dsp (dsf) or mou and the date it was signed; repeat for each");
  add->add_option("--expires", pa->expires, "the date sharing ends");
  add->add_option("--legal-basis", pa->legal_basis, "the legal basis for sharing");
  add->add_option("--allow", pa->allow, "the field profiles the partner may receive: basic or full")
      ->check(CLI::IsMember({"basic", "full"}));
  add->callback([&g, &action, pa] { action = [&g, pa] { return run_partner_add(g, *pa); }; });

  auto pl = std::make_shared<PartnerNameOptions>();
  CLI::App* list = partner->add_subcommand("list", "list the partner register");
  list->add_option("--format", pl->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  list->callback([&g, &action, pl] { action = [&g, pl] { return run_partner_list(g, *pl); }; });

  auto ps = std::make_shared<PartnerNameOptions>();
  CLI::App* show = partner->add_subcommand("show", "show one partner");
  show->add_option("name", ps->name, "the partner's name")->required();
  show->add_option("--format", ps->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  show->callback([&g, &action, ps] { action = [&g, ps] { return run_partner_show(g, *ps); }; });

  auto pr = std::make_shared<PartnerNameOptions>();
  CLI::App* remove = partner->add_subcommand("remove", "remove a partner from the register");
  remove->add_option("name", pr->name, "the partner's name")->required();
  remove->callback([&g, &action, pr] { action = [&g, pr] { return run_partner_remove(g, *pr); }; });

  auto so = std::make_shared<SealOptions>();
  CLI::App* sealc = share->add_subcommand("seal", "encrypt and sign a file for partners");
  sealc->add_option("file", so->file, "the file to seal")->required();
  sealc->add_option("--to", so->to, "a partner from the register; repeat for several");
  sealc->add_option("--recipient", so->recipients,
                    "an age recipient outside the register (needs --reason); repeatable");
  sealc->add_option("--reason", so->reason, "why --recipient is used, for the audit trail");
  sealc->add_flag("--armor", so->armor, "write the age file as ASCII armor (PEM)");
  sealc->add_option("--output", so->output,
                    "the age file (default FILE.age); the signature is OUTPUT.minisig");
  sealc->add_option("--passphrase-file", so->passphrase_file,
                    "the passphrase of a protected signing key (first line)");
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

// sfcohort audit: read the audit trail, check it has not been altered, and
// commit it to checkpoints signed by the auditor's key.
#include <sys/stat.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/note.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::cli {
namespace {

struct AuditCmd {
  std::string since, until, actor, action, person, family;
  std::string format = "text";
  std::vector<std::string> checkpoints;   // verify
  std::string auditor_key;                // verify: the public key; checkpoint, keygen: the secret
  std::string output;                     // checkpoint, keygen
  std::string name = "sfcohort-auditor";  // keygen
};

// One line per entry: when, who, what, on what, why.
std::string summary(const nlohmann::json& d) {
  if (!d.is_object()) return d.is_string() ? d.get<std::string>() : d.dump();
  std::string s;
  for (const auto& [k, v] : d.items()) {
    if (!s.empty()) s += ", ";
    s += k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return s;
}

Result<std::optional<std::string>> date_option(const std::string& v, const char* flag) {
  if (v.empty()) return std::optional<std::string>();
  auto d = parse_date(v);
  if (!d) return d.error().with_context(flag);
  return std::optional<std::string>(d->iso());
}

Result<int> run_list(const Globals& g, const AuditCmd& o) {
  Context ctx = g.context("audit");
  AuditFilter f;
  auto since = date_option(o.since, "--since");
  if (!since) return since.error();
  auto until = date_option(o.until, "--until");
  if (!until) return until.error();
  f.since = *since;
  f.until = *until;
  if (!o.actor.empty()) f.actor = o.actor;
  if (!o.action.empty()) f.action = o.action;
  if (!o.person.empty()) f.person = o.person;
  if (!o.family.empty()) f.family = o.family;
  auto store = Store::open(ctx);
  if (!store) return store.error();
  auto entries = audit_entries(*store, f);
  if (!entries) return entries.error();
  if (o.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : *entries) {
      arr.push_back({{"seq", e.seq},
                     {"at", e.at},
                     {"actor", e.actor},
                     {"os_user", e.os_user},
                     {"command", e.command},
                     {"purpose", e.purpose},
                     {"subject", e.subject},
                     {"detail", e.detail}});
    }
    std::printf("%s\n", arr.dump(2).c_str());
    return 0;
  }
  for (const auto& e : *entries) {
    std::printf("%5lld  %s  %-12s %-16s %s\n", static_cast<long long>(e.seq), e.at.c_str(),
                e.actor.c_str(), e.command.c_str(), e.subject.c_str());
    if (!e.os_user.empty() && e.os_user != e.actor) {
      std::printf("       system user: %s\n", e.os_user.c_str());
    }
    if (!e.purpose.empty()) std::printf("       purpose: %s\n", e.purpose.c_str());
    std::string d = summary(e.detail);
    if (!d.empty() && d != "{}") std::printf("       %s\n", d.c_str());
  }
  if (entries->empty()) note(g, "no audit entries");
  return 0;
}

// The auditor's public key: a file holding it, or the key's text itself.
Result<note::Verifier> auditor_verifier(const std::string& given) {
  std::string text = given;
  if (file_exists(given)) {
    auto t = read_file(given);
    if (!t) return t.error();
    text = *t;
  }
  auto v = note::Verifier::parse(text);
  if (!v) return v.error().with_context("--auditor-key");
  return v;
}

Result<int> run_verify(const Globals& g, const AuditCmd& o) {
  Context ctx = g.context("audit verify");
  std::vector<CheckpointFile> files;
  std::optional<note::Verifier> auditor;
  if (!o.checkpoints.empty()) {
    if (o.auditor_key.empty()) {
      return Error(Errc::kInvalidInput, "--checkpoint needs --auditor-key",
                   {"the auditor's public key (NAME+HASH+KEY), or the file holding it"});
    }
    auto v = auditor_verifier(o.auditor_key);
    if (!v) return v.error();
    auditor = *v;
    for (const auto& f : o.checkpoints) {
      auto t = read_file(f);
      if (!t) return t.error();
      files.push_back({f, *t});
    }
  }
  auto store = Store::open(ctx);
  if (!store) return store.error();
  std::vector<CheckpointCheck> results;
  auto check = verify_audit(*store, files, auditor ? &*auditor : nullptr, &results);
  if (!check) return check.error();
  for (const auto& r : results) {
    if (r.extends) {
      std::printf("checkpoint %s: entries 1 to %s unchanged\n", r.name.c_str(),
                  with_commas(r.size).c_str());
    } else {
      std::printf("checkpoint %s: BROKEN at entry %lld: %s\n", r.name.c_str(),
                  static_cast<long long>(r.first_bad), r.problem.c_str());
    }
  }
  if (!check->intact) {
    std::printf("ALTERED  %s\n", check->problem.c_str());
    std::fprintf(stderr, "sfcohort: error: audit trail altered: %s\n", check->problem.c_str());
    return 1;
  }
  std::printf("intact: %s entries, chain and head verified%s\n",
              with_commas(check->entries).c_str(),
              results.empty() ? "" : ", and every checkpoint extended");
  for (const auto& n : check->notes) note(g, "note: " + n);
  return 0;
}

Result<note::Signer> auditor_signer(const std::string& path) {
  if (path.empty()) {
    return Error(Errc::kInvalidInput, "audit checkpoint needs --key FILE",
                 {"the auditor's secret key, made with 'sfcohort audit keygen'"});
  }
  SF_TRY(check_not_exposed(path, 077, "the auditor's key"));
  auto t = read_file(path);
  if (!t) return t.error();
  auto s = note::Signer::parse(*t);
  if (!s) return s.error().with_context(path);
  return s;
}

Result<int> run_checkpoint(const Globals& g, const AuditCmd& o) {
  auto signer = auditor_signer(o.auditor_key);
  if (!signer) return signer.error();
  auto store = Store::open(g.context("audit checkpoint"));
  if (!store) return store.error();
  int64_t size = 0;
  auto cp = audit_checkpoint(*store, *signer, &size);
  if (!cp) return cp.error();
  if (o.output.empty() || o.output == "-") {
    std::fputs(cp->c_str(), stdout);
  } else {
    SF_TRY(write_file_atomic(o.output, *cp, 0644));
    std::printf("checkpoint of %s entries written to %s\n", with_commas(size).c_str(),
                o.output.c_str());
  }
  return 0;
}

Result<int> run_keygen(const Globals& g, const AuditCmd& o) {
  (void)g;
  if (o.output.empty()) {
    return Error(Errc::kInvalidInput, "audit keygen needs --output FILE",
                 {"a file on removable media the information-governance lead keeps"});
  }
  if (file_exists(o.output)) {
    return Error(Errc::kInvalidInput, o.output + ": already exists",
                 {"an auditor key is never replaced in place: name another file"});
  }
  auto s = note::Signer::generate(o.name);
  if (!s) return s.error();
  SF_TRY(write_file_atomic(o.output, s->text() + "\n", 0600));
  SF_TRY(write_file_atomic(o.output + ".pub", s->verifier().text() + "\n", 0644));
  std::printf("%s\n", s->verifier().text().c_str());
  note(g, "wrote the auditor's secret key " + o.output + " (keep it away from operators) and " +
              o.output + ".pub");
  return 0;
}

}  // namespace

void add_audit(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<AuditCmd>();
  CLI::App* sub =
      app.add_subcommand("audit", "list the audit trail, verify it, or sign a checkpoint of it");
  sub->add_option("--since", o->since, "only entries on or after this date");
  sub->add_option("--until", o->until, "only entries on or before this date");
  sub->add_option("--actor", o->actor, "only entries by this actor (or system user)");
  sub->add_option("--action", o->action, "only this command, e.g. import or 'share seal'");
  sub->add_option("--person", o->person,
                  "only entries about this person (subject, detail or disclosure)");
  sub->add_option("--family", o->family, "only entries about this family");
  sub->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  CLI::App* verify =
      sub->add_subcommand("verify", "check that the audit trail has not been altered");
  verify->add_option("--checkpoint", o->checkpoints,
                     "a checkpoint the trail must extend; repeat for several");
  verify->add_option("--auditor-key", o->auditor_key,
                     "the auditor's public key, or the file holding it");
  CLI::App* cp = sub->add_subcommand("checkpoint", "sign a checkpoint of the trail as it stands");
  cp->add_option("--key", o->auditor_key, "the auditor's secret key file")->required();
  cp->add_option("--output", o->output, "write the checkpoint here (default: standard output)");
  CLI::App* kg = sub->add_subcommand("keygen", "make the auditor's key pair");
  kg->add_option("--output", o->output, "the secret key file (and FILE.pub)")->required();
  kg->add_option("--name", o->name, "the key's name, shown in checkpoints");
  sub->callback([&g, &action, o, verify, cp, kg] {
    if (verify->parsed() || cp->parsed() || kg->parsed()) return;
    action = [&g, o] { return run_list(g, *o); };
  });
  verify->callback([&g, &action, o] { action = [&g, o] { return run_verify(g, *o); }; });
  cp->callback([&g, &action, o] { action = [&g, o] { return run_checkpoint(g, *o); }; });
  kg->callback([&g, &action, o] { action = [&g, o] { return run_keygen(g, *o); }; });
}

}  // namespace sfcohort::cli

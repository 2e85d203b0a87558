// sfcohort audit: read the audit trail, and check it has not been altered.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::cli {
namespace {

struct AuditCmd {
  std::string since;
  std::string format = "text";
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

Result<int> run_list(const Globals& g, const AuditCmd& o) {
  Context ctx = g.context("audit");
  std::optional<std::string> since;
  if (!o.since.empty()) {
    auto d = parse_date(o.since);
    if (!d) return d.error().with_context("--since");
    since = d->iso();
  }
  auto store = Store::open(ctx);
  if (!store) return store.error();
  auto entries = audit_entries(*store, since);
  if (!entries) return entries.error();
  if (o.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : *entries) {
      arr.push_back({{"seq", e.seq},
                     {"at", e.at},
                     {"actor", e.actor},
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
    if (!e.purpose.empty()) std::printf("       purpose: %s\n", e.purpose.c_str());
    std::string d = summary(e.detail);
    if (!d.empty() && d != "{}") std::printf("       %s\n", d.c_str());
  }
  if (entries->empty()) note(g, "no audit entries");
  return 0;
}

Result<int> run_verify(const Globals& g) {
  Context ctx = g.context("audit verify");
  auto store = Store::open(ctx);
  if (!store) return store.error();
  auto check = verify_audit(*store);
  if (!check) return check.error();
  if (!check->intact) {
    std::printf("ALTERED  %s\n", check->problem.c_str());
    std::fprintf(stderr, "sfcohort: error: audit trail altered: %s\n", check->problem.c_str());
    return 1;
  }
  std::printf("intact: %s entries, chain and head verified\n", with_commas(check->entries).c_str());
  for (const auto& n : check->notes) note(g, "note: " + n);
  return 0;
}

}  // namespace

void add_audit(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<AuditCmd>();
  CLI::App* sub = app.add_subcommand("audit", "list the audit trail, or verify it");
  sub->add_option("--since", o->since, "only entries on or after this date");
  sub->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  CLI::App* verify =
      sub->add_subcommand("verify", "check that the audit trail has not been altered");
  sub->callback([&g, &action, o, verify] {
    if (verify->parsed()) return;
    action = [&g, o] { return run_list(g, *o); };
  });
  verify->callback([&g, &action] { action = [&g] { return run_verify(g); }; });
}

}  // namespace sfcohort::cli

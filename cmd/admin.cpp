// sfcohort admin: the team's shared database. `admin grant USER --role R`
// gives a database user one of the programme's roles on PostgreSQL;
// `admin revoke USER [--role R]` takes it (or every one) back; `admin list`
// shows who holds which.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "check.hpp"
#include "cli.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::cli {
namespace {

struct AdminOptions {
  std::string user;
  std::string role;
};

Result<Store> open_server(const Globals& g, const char* command) {
  Context ctx = g.context(command);
  if (!Store::is_server(ctx.db_path)) {
    return Error(Errc::kInvalidInput,
                 "roles are kept by a PostgreSQL server; " + ctx.db_path + " is an SQLite file",
                 {"set SFCOHORT_DB (or --db) to the team's postgresql:// database"});
  }
  return Store::open(ctx);
}

Result<int> run_grant(const Globals& g, const AdminOptions& o) {
  auto store = open_server(g, "admin grant");
  if (!store) return store.error();
  std::string group;
  SF_TRY(store->grant_role(o.user, o.role, &group));
  std::printf("granted %s to %s (database role %s)\n", o.role.c_str(), o.user.c_str(),
              group.c_str());
  return 0;
}

Result<int> run_revoke(const Globals& g, const AdminOptions& o) {
  auto store = open_server(g, "admin revoke");
  if (!store) return store.error();
  auto roles = store->revoke_role(o.user, o.role);
  if (!roles) return roles.error();
  if (roles->empty()) {
    std::printf("%s holds no %s role in this database: nothing to revoke\n", o.user.c_str(),
                o.role.empty() ? "sfcohort" : o.role.c_str());
    return 0;
  }
  for (const auto& r : *roles) std::printf("revoked %s from %s\n", r.c_str(), o.user.c_str());
  return 0;
}

// Reads only the server's catalogue, about the team, not the cohort: no
// audit entry.
Result<int> run_list(const Globals& g) {
  auto store = open_server(g, "admin list");
  if (!store) return store.error();
  auto held = store->role_holders();
  if (!held) return held.error();
  if (held->empty()) {
    std::printf("no one holds an sfcohort role in this database\n");
    return 0;
  }
  size_t w = 0;
  for (const auto& h : *held) w = std::max(w, width(h.first));
  for (const auto& [user, role] : *held) {
    std::printf("%s  %s\n", pad(user, w).c_str(), role.c_str());
  }
  return 0;
}

}  // namespace

void add_admin(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<AdminOptions>();
  CLI::App* sub = app.add_subcommand("admin", "the team's shared database: roles");
  sub->require_subcommand(1);
  CLI::App* grant =
      sub->add_subcommand("grant", "give a database user a role (officer, manager or auditor)");
  grant->add_option("user", o->user, "the database user (an existing PostgreSQL login)")
      ->required();
  grant->add_option("--role", o->role, "officer, manager or auditor")
      ->required()
      ->check(CLI::IsMember({"officer", "manager", "auditor"}));
  grant->callback([&g, &action, o] { action = [&g, o] { return run_grant(g, *o); }; });
  CLI::App* revoke =
      sub->add_subcommand("revoke", "take a role (or every role) of this database from a user");
  revoke->add_option("user", o->user, "the database user")->required();
  revoke->add_option("--role", o->role, "officer, manager or auditor (default: every one)")
      ->check(CLI::IsMember({"officer", "manager", "auditor"}));
  revoke->callback([&g, &action, o] { action = [&g, o] { return run_revoke(g, *o); }; });
  sub->add_subcommand("list", "who holds which role in this database")->callback([&g, &action] {
    action = [&g] { return run_list(g); };
  });
}

}  // namespace sfcohort::cli

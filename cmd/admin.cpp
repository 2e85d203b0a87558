// sfcohort admin: the team's shared database. `admin grant USER --role R`
// gives a database user one of the programme's roles on PostgreSQL.
#include <cstdio>
#include <memory>

#include "cli.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::cli {
namespace {

struct AdminOptions {
  std::string user;
  std::string role;
};

Result<int> run_grant(const Globals& g, const AdminOptions& o) {
  Context ctx = g.context("admin grant");
  if (!Store::is_server(ctx.db_path)) {
    return Error(Errc::kInvalidInput,
                 "roles are kept by a PostgreSQL server; " + ctx.db_path + " is an SQLite file",
                 {"set SFCOHORT_DB (or --db) to the team's postgresql:// database"});
  }
  auto store = Store::open(ctx);
  if (!store) return store.error();
  SF_TRY(store->grant_role(o.user, o.role));
  std::printf("granted %s to %s (database role sfcohort_%s)\n", o.role.c_str(), o.user.c_str(),
              o.role.c_str());
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
}

}  // namespace sfcohort::cli

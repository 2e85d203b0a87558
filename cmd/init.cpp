// sfcohort init: create the database and the audit key, or bring the schema
// up to date. Idempotent.
#include <cstdio>

#include "cli.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/criteria.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/nomination.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::cli {
namespace {

Result<int> run_init(const Globals& g, const std::string& criteria) {
  Context ctx = g.context("init");
  // An unknown set is refused before anything is created.
  if (!criteria.empty()) {
    if (auto set = criteria::CriteriaSet::load(criteria); !set) return std::move(set).error();
  }
  // A mistyped connection string is refused before the key is made.
  SF_TRY(Store::check_location(ctx.db_path));
  // On PostgreSQL the trail's key is made and kept by the server (it must
  // not be on an officer's machine): no key file.
  Result<bool> made_key = false;
  if (!Store::is_server(ctx.db_path)) made_key = ensure_audit_key(ctx.keys_dir);
  if (!made_key) return made_key.error();
  auto store = Store::open(ctx, Store::OpenMode::kCreate);
  if (!store) return store.error();
  const bool existed = !store->created();
  const int from = store->upgraded_from();
  nlohmann::json detail = {{"created", !existed},
                           {"schema_version", store->schema_version()},
                           {"audit_key_created", *made_key}};
  if (from > 0) detail["upgraded_from"] = from;
  if (!criteria.empty()) {
    SF_TRY(nomination::set_default_set(*store, criteria));
    detail["criteria_set"] = criteria;
  }
  SF_TRY(store->audit(ctx.db_path, detail));
  if (!existed) {
    std::printf("created %s (schema version %d)\n", ctx.db_path.c_str(), store->schema_version());
  } else if (from > 0) {
    std::printf("upgraded %s from schema version %d to %d\n", ctx.db_path.c_str(), from,
                store->schema_version());
  } else {
    std::printf("%s is up to date (schema version %d)\n", ctx.db_path.c_str(),
                store->schema_version());
  }
  if (!criteria.empty()) std::printf("default criteria set: %s\n", criteria.c_str());
  // The team's roles are granted next: an owner who cannot is told now.
  if (Store::is_server(ctx.db_path)) {
    if (auto may = store->check_may_grant(); !may) {
      std::string w = may.error().message;
      for (const auto& h : may.error().hints) w += "; " + h;
      warn(g, "'sfcohort admin grant' will be refused: " + w);
    }
  }
  if (*made_key) {
    std::printf(
        "created the audit key %s/audit.key: keep it with the team's keys, not with the database\n",
        ctx.keys_dir.c_str());
  }
  return 0;
}

}  // namespace

void add_init(CLI::App& app, Globals& g, Action& action) {
  auto criteria = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "init", "create the cohort database and the audit key, or bring the schema up to date");
  sub->add_option("--criteria", *criteria,
                  "record the default criteria set (a shipped name or a JSON file)");
  sub->callback(
      [&g, &action, criteria] { action = [&g, criteria] { return run_init(g, *criteria); }; });
}

}  // namespace sfcohort::cli

// sfcohort init: create the database and the audit key, or bring the schema
// up to date. Idempotent.
#include <cstdio>

#include "cli.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::cli {
namespace {

Result<int> run_init(const Globals& g) {
  Context ctx = g.context("init");
  const bool existed = file_exists(ctx.db_path);
  auto made_key = ensure_audit_key(ctx.keys_dir);
  if (!made_key) return made_key.error();
  auto store = Store::open(ctx, Store::OpenMode::kCreate);
  if (!store) return store.error();
  SF_TRY(store->audit(ctx.db_path, {{"created", !existed},
                                    {"schema_version", store->schema_version()},
                                    {"audit_key_created", *made_key}}));
  if (!existed) {
    std::printf("created %s (schema version %d)\n", ctx.db_path.c_str(), store->schema_version());
  } else {
    std::printf("%s is up to date (schema version %d)\n", ctx.db_path.c_str(), store->schema_version());
  }
  if (*made_key) {
    std::printf("created the audit key %s/audit.key: keep it with the team's keys, not with the database\n",
                ctx.keys_dir.c_str());
  }
  return 0;
}

}  // namespace

void add_init(CLI::App& app, Globals& g, Action& action) {
  CLI::App* sub = app.add_subcommand(
      "init", "create the cohort database and the audit key, or bring the schema up to date");
  sub->callback([&g, &action] { action = [&g] { return run_init(g); }; });
}

}  // namespace sfcohort::cli

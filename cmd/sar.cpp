// sfcohort sar: a subject access request, everything held about one person
// (sfcohort/subject_access.hpp), written atomically and audited.
#include <memory>

#include "cli.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/subject_access.hpp"

namespace sfcohort::cli {
namespace {

struct SarOptions {
  std::string person;
  std::string format = "text";
  std::string output = "-";
};

Result<int> run_sar(const Globals& g, const SarOptions& o) {
  if (o.format != "text" && o.format != "json")
    return invalid_input("--format: expected text or json, not '" + o.format + "'");
  if (o.output.empty())
    return invalid_input("--output: give a file name, or - for standard output");
  auto store = Store::open(g.context("sar"));
  if (!store) return store.error();
  auto w = subject_access::write(*store, o.person, o.format, o.output);
  if (!w) {
    Error e = std::move(w).error();
    if (e.code == Errc::kInvalidInput && e.message.rfind("no person", 0) == 0)
      e.hints = {"person ids are as imported, e.g. P000123; 'sfcohort lookup' finds one"};
    return e;
  }
  if (o.output != "-")
    note(g, "subject access for " + o.person + ": " + o.output + " (" +
                std::to_string(w->disclosures) + " disclosures)");
  return 0;
}

}  // namespace

void add_sar(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<SarOptions>();
  CLI::App* sub = app.add_subcommand("sar", "subject access: everything held about one person");
  sub->add_option("person", o->person, "the person's id")->required();
  sub->add_option("--format", o->format, "text (default) or json");
  sub->add_option("--output", o->output, "write here (default: standard output)");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_sar(g, *o); }; });
}

}  // namespace sfcohort::cli

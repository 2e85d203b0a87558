// sfcohort export: the cohort for partners, sealed to them and signed (or, with
// an explicit --plaintext, as it is).
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "sfcohort/exchange.hpp"
#include "sfcohort/export.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/partners.hpp"
#include "sfcohort/seal.hpp"
#include "sfcohort/store.hpp"
#include "share.hpp"

namespace sfcohort::cli {
namespace {

struct ExportOptions {
  exporting::Options table;
  SealFlags seal;
  std::string output;
  bool plaintext = false;
};

// Who receives the export: exactly one of --to, --recipient (or both) and
// --plaintext, and a sealed export names its file.
Status check_modes(const ExportOptions& o) {
  const SealFlags& s = o.seal;
  int modes = (!s.to.empty()) + (!s.recipients.empty()) + o.plaintext;
  if (modes != 1 && !(modes == 2 && !s.to.empty() && !s.recipients.empty())) {
    return Error(
        Errc::kInvalidInput,
        modes == 0 ? "export: say who receives the export"
                   : "export: --plaintext cannot be combined with --to or --recipient",
        {"--to PARTNER (sealed to a registered partner), --recipient age1... --reason TEXT, "
         "or --plaintext"});
  }
  if (!o.plaintext) SF_TRY(check_seal_flags(s));
  if (auto p = exporting::check_recipients(s.recipients, o.table.fields); !p) {
    // The library's refusal, in the options' words.
    Error e = std::move(p).error();
    e.message = "--fields full is refused for --recipient (outside the partner register)";
    e.hints = {"register the partner with its agreements and --allow full, then use --to"};
    return e;
  }
  if (!o.plaintext && o.output.empty()) {
    return Error(Errc::kInvalidInput, "export: a sealed export needs --output FILE",
                 {"the signature is written beside it as FILE.minisig"});
  }
  if (!o.plaintext && o.output == "-") {
    return invalid_input("export: --output must name a file (the signature goes beside it)");
  }
  if (o.table.format == "xlsx" && (o.output.empty() || o.output == "-")) {
    return Error(Errc::kInvalidInput, "export: --format xlsx writes a file, not standard output",
                 {"name the workbook with --output FILE.xlsx"});
  }
  return Ok{};
}

// "12 people in 4 families".
std::string exported(const exporting::Table& t) {
  return counted(static_cast<long long>(t.people), "person", "people") + " in " +
         counted(static_cast<long long>(t.families.size()), "family", "families");
}

// The table unencrypted, to --output or standard output.
Result<int> write_plaintext(Store& store, const ExportOptions& o, const exporting::Table& table,
                            nlohmann::json detail, const std::string& subject) {
  detail["plaintext"] = true;
  if (table.workbook) {
    // The workbook is already on disk beside the output: audited, then
    // renamed into place.
    SF_TRY(store.audit(subject, detail));
    SF_TRY(table.workbook->commit());
    std::printf("exported %s, unencrypted: %s\n", exported(table).c_str(), o.output.c_str());
    return 0;
  }
  Sha256 h;
  h.update(table.text);
  detail["sha256"] = to_hex(h.finish());
  auto out = AtomicFile::create(o.output.empty() ? "-" : o.output, 0600);
  if (!out) return std::move(out).error();
  // To standard output the rows leave as they are written, and a reader
  // may stop part way (| head): the entry is made first, so it stays.
  const bool streamed = o.output.empty() || o.output == "-";
  if (streamed) SF_TRY(store.audit(subject, detail, table.disclosed));
  SF_TRY(out->write(table.text));
  if (!streamed) SF_TRY(store.audit(subject, detail, table.disclosed));
  SF_TRY(out->commit());
  if (!o.output.empty()) {
    std::printf("exported %s, unencrypted: %s\n", exported(table).c_str(), o.output.c_str());
  }
  return 0;
}

Result<int> run_export(const Globals& g, const ExportOptions& o) {
  SF_TRY(check_modes(o));
  auto store = Store::open(g.context("export"));
  if (!store) return std::move(store).error();
  // Refuse before building anything: unknown partners, agreements, profile.
  SF_TRY(check_partners(*store, o.seal, o.table.fields));
  exporting::Options topt = o.table;
  topt.workbook_path = o.output;
  auto table = exporting::build(*store, topt);
  if (!table) return std::move(table).error();
  for (const auto& w : table->withheld) {
    warn(g, "family " + w.family_id + " withheld: " + w.reason);
  }
  nlohmann::json withheld = nlohmann::json::array();
  for (const auto& w : table->withheld)
    withheld.push_back({{"family_id", w.family_id}, {"reason", w.reason}});
  nlohmann::json detail = {{"fields", o.table.fields},
                           {"format", o.table.format},
                           {"status", o.table.status},
                           {"people", table->people},
                           {"families", table->families},
                           {"withheld", withheld},
                           {"output", o.output.empty() ? "-" : o.output}};
  std::string subject = std::to_string(table->families.size()) + " families";

  if (o.plaintext) return write_plaintext(*store, o, *table, detail, subject);

  exchange::SealRequest req = seal_request(o.seal);
  req.profile = o.table.fields;
  // No personal data: the time, the file name, the profile and the count.
  req.trusted_comment = "timestamp:" + std::to_string(static_cast<long long>(std::time(nullptr))) +
                        "\tfile:" + std::filesystem::path(o.output).filename().string() +
                        "\thashed\tsfcohort export fields:" + o.table.fields +
                        " rows:" + std::to_string(table->people);
  req.audit_subject = subject;
  req.audit_detail = detail;
  if (table->workbook) {
    auto bytes = table->workbook->take();
    if (!bytes) return std::move(bytes).error();
    table->text = std::move(*bytes);
  }
  req.disclosed = table->disclosed;
  age::StringSource in(table->text);
  auto sealed = exchange::seal_for(
      *store, in, o.output, req,
      passphrase_source(passphrase_file(o.seal.passphrase_file), "passphrase for minisign.key"));
  if (!sealed) return std::move(sealed).error();
  std::printf("exported %s for %s\n", exported(*table).c_str(), sealed_for(o.seal).c_str());
  std::printf("  %s\n  %s\n", sealed->path.c_str(), sealed->signature_path.c_str());
  return 0;
}

}  // namespace

void add_export(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand("export", "the cohort for partners, sealed and signed");
  sub->add_option("--family", o->table.families, "only this family; repeat for several");
  sub->add_option("--status", o->table.status, "cohort (default), nominated or all")
      ->check(CLI::IsMember({"cohort", "nominated", "all"}));
  sub->add_option("--fields", o->table.fields, "the field profile: basic (default) or full")
      ->check(CLI::IsMember({"basic", "full"}));
  sub->add_option("--format", o->table.format, "csv (default), json or xlsx (to a file)")
      ->check(CLI::IsMember({"csv", "json", "xlsx"}));
  add_seal_flags(
      sub, o->seal,
      {.recipient =
           "seal to an age recipient outside the register (needs --reason; not for full)"});
  sub->add_flag("--plaintext", o->plaintext, "write the table unencrypted (to --output or stdout)");
  sub->add_option("--output", o->output,
                  "the file to write; a sealed export's signature is OUTPUT.minisig");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_export(g, *o); }; });
}

}  // namespace sfcohort::cli

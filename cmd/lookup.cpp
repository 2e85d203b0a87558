// sfcohort lookup: is this person in the cohort? Single lookups from flags
// (text or JSON; cmd/cli_lookup_single.cpp) and bulk lookups from a table (to CSV
// or JSON Lines; cmd/cli_lookup_batch.cpp). The matching, the batch engine and
// the answer to a partner's sealed request live in the library
// (sfcohort/lookup.hpp, batch.hpp, sealed_request.hpp); this file parses the
// options and sends them to one or the other.
#include <memory>

#include "cli.hpp"
#include "lookup.hpp"
#include "sfcohort/lookup.hpp"
#include "share.hpp"

namespace sfcohort::cli {
namespace {

Result<int> run_lookup(const Globals& g, const LookupOptions& o) {
  auto band = parse_band(o.min_band);
  if (!band || *band == Band::kNone)
    return invalid_input("--min-band must be exact, strong or possible, not '" + o.min_band + "'");
  if (o.limit < 1) return invalid_input("--limit must be 1 or more");
  if (!o.batch.empty()) {
    if (!o.given.empty() || !o.surname.empty() || !o.dob.empty() || !o.postcode.empty() ||
        !o.house.empty() || !o.sex.empty())
      return Error(Errc::kInvalidInput,
                   "--batch cannot be combined with --given, --surname, --dob, --sex, "
                   "--postcode or --house",
                   {"put the people to look up in the batch file"});
    return run_lookup_batch(g, o, *band);
  }
  if (o.output != "-") return invalid_input("--output is for --batch");
  if (!o.sheet.empty()) return invalid_input("--sheet is for --batch");
  return run_single(g, {o.given, o.surname, o.dob, o.postcode, o.house, o.sex, o.format, o.limit},
                    *band);
}

}  // namespace

void add_lookup(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<LookupOptions>();
  CLI::App* sub = app.add_subcommand("lookup", "find a person (or a list of people) in the cohort");
  sub->add_option("--given", o->given, "given name as the partner gave it");
  sub->add_option("--surname", o->surname, "surname as the partner gave it");
  sub->add_option("--dob", o->dob,
                  "date of birth: YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY");
  sub->add_option("--sex", o->sex, "M or F: compared with the person's when given");
  sub->add_option("--postcode", o->postcode, "postcode, any case or spacing");
  sub->add_option("--house", o->house,
                  "house number or name: 12, 12A, \"Flat 3, 12\", \"Rose Cottage\"");
  sub->add_option("--min-band", o->min_band,
                  "lowest band to report: exact, strong or possible (default possible)");
  sub->add_option("--limit", o->limit, "at most this many people in a single lookup (default 5)");
  sub->add_option("--format", o->format,
                  "text or json (single); csv, jsonl or xlsx (--batch; xlsx needs --output)");
  sub->add_option("--batch", o->batch,
                  "look up every row of this CSV file or .xlsx workbook (- for CSV on standard "
                  "input)");
  sub->add_option("--sheet", o->sheet, "with --batch: the workbook's sheet (default the first)");
  sub->add_option("--output", o->output,
                  "where --batch writes its results (default - for standard output)");
  sub->add_flag("--bom", o->bom, "with --batch: start CSV output with a UTF-8 byte-order mark");
  sub->add_flag("--no-bom", o->no_bom, "with --batch: no byte-order mark, even in a file");
  sub->add_option("--map", o->maps,
                  "with --batch: FIELD=HEADER, the column HEADER gives FIELD (repeatable)");
  SealFlagsHelp seal_help;
  seal_help.to =
      "seal the --batch results to this partner (repeatable): band and lead contact only";
  seal_help.recipients = false;  // a reply goes only to registered partners
  seal_help.armor = "with --to: write the sealed reply as ASCII armor";
  seal_help.passphrase_file =
      "file holding the passphrase of the team keys (default $SFCOHORT_PASSPHRASE_FILE)";
  add_seal_flags(sub, o->seal, seal_help);
  sub->add_option("--from", o->from, "a sealed --batch request must be signed by this partner");
  sub->add_flag("--no-verify", o->no_verify,
                "open a sealed --batch request without checking its signature");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_lookup(g, *o); }; });
}

}  // namespace sfcohort::cli

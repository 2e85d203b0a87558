// sfcohort lookup: is this person in the cohort? Single lookups from flags
// (text or JSON) and bulk lookups from CSV (to CSV or JSON Lines). The
// matching, the batch engine and the answer to a partner's sealed request
// live in the library (sfcohort/lookup.hpp, batch.hpp, sealed_request.hpp);
// this file parses options and prints.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "lookup.hpp"
#include "sfcohort/batch.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/sealed_request.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"
#include "share.hpp"

namespace sfcohort::cli {
namespace {

struct LookupOptions {
  std::string given, surname, dob, postcode, house, sex;
  std::string min_band = "possible";
  int limit = 5;
  std::string format;
  std::string batch;
  std::string output = "-";
  // Sealed exchange: a sealed request is opened first; --to seals the reply.
  SealFlags seal;  // --to, --armor, --passphrase-file (no --recipient)
  std::string from;
  bool no_verify = false;
};

// ---------------------------------------------------------------------------
// Batch

void note_summary(const Globals& g, const BatchSummary& n) {
  char summary[512];
  std::snprintf(summary, sizeof summary,
                "checked %s rows in %.1f s: %s exact, %s strong, %s possible, %s none",
                with_commas(n.rows).c_str(), n.seconds, with_commas(n.exact).c_str(),
                with_commas(n.strong).c_str(), with_commas(n.possible).c_str(),
                with_commas(n.none).c_str());
  std::string s = summary;
  if (n.unreadable) {
    s += ", " + with_commas(n.unreadable) + " unreadable (row" + (n.unreadable == 1 ? " " : "s ");
    for (size_t i = 0; i < n.unreadable_rows.size(); ++i)
      s += (i ? ", " : "") + with_commas(n.unreadable_rows[i]);
    if (n.unreadable > static_cast<int64_t>(n.unreadable_rows.size())) s += ", ...";
    s += ")";
  }
  note(g, s);
}

// A plain batch, or a partner's request: a sealed --batch file is opened with
// the team identity (its signature checked against the register); with --to
// only the partner reply is sealed to the partners (sealed_request.hpp).
Result<int> run_batch(const Globals& g, const LookupOptions& o, Band min_band) {
  std::string format = o.format.empty() ? "csv" : o.format;
  if (format != "csv" && format != "jsonl")
    return invalid_input("--format must be csv or jsonl with --batch");
  BatchOptions bo;
  bo.input = o.batch;
  bo.output = o.output;
  bo.format = format == "jsonl" ? BatchFormat::kJsonl : BatchFormat::kCsv;
  bo.min_band = min_band;
  Progress bar(g, "looking up", 0);
  bo.progress = [&bar](const BatchProgress& p) {
    bar.update(p.input_bytes ? p.bytes_read : p.rows, p.input_bytes);
  };
  auto looked_up = [&g, &bar](const BatchSummary& n) {
    bar.done();
    note_summary(g, n);
  };
  const bool sealed_in = exchange::is_sealed_request(o.batch);
  if (!sealed_in && o.seal.to.empty()) {
    auto n = lookup_batch(g.context("lookup"), bo);
    if (!n) return n.error();
    looked_up(*n);
  } else {
    if (!o.seal.to.empty() && (o.output.empty() || o.output == "-"))
      return Error(Errc::kInvalidInput, "--to needs --output FILE (the signature goes beside it)",
                   {"e.g. --to \"West Yorkshire Police\" --output reply.csv.age"});
    auto store = Store::open(g.context("lookup"));
    if (!store) return store.error();
    const std::string pf = passphrase_file(o.seal.passphrase_file);
    exchange::AnswerOptions ao;
    ao.batch = std::move(bo);
    ao.from = o.from;
    ao.verify = !o.no_verify;
    ao.reply_to = o.seal.to;
    ao.armor = o.seal.armor;
    ao.identity_passphrase = passphrase_source(pf, "passphrase for age.key");
    ao.signing_passphrase = passphrase_source(pf, "passphrase for minisign.key");
    ao.on_opened = [&g, &o](const exchange::Received& r) {
      if (!r.opened.verified) warn(g, "the sender of " + o.batch + " was not verified");
    };
    ao.on_looked_up = looked_up;
    if (!o.seal.to.empty()) {
      // refused here first, so the hints can name the flags
      if (auto ok = check_partners(*store, o.seal, "basic"); !ok) return ok.error();
    }
    auto answer = exchange::answer_request(*store, ao);
    if (!answer) return answer.error();
    if (answer->reply) {
      note(g, "sealed reply for " + sealed_for(o.seal) + ": " + answer->reply->path + " and " +
                  answer->reply->signature_path);
      return 0;
    }
  }
  if (o.output != "-") note(g, "results: " + o.output);
  return 0;
}

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
    return run_batch(g, o, *band);
  }
  if (o.output != "-") return invalid_input("--output is for --batch");
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
  sub->add_option("--format", o->format, "text or json (single); csv or jsonl (--batch)");
  sub->add_option("--batch", o->batch, "look up every row of this CSV file (- for standard input)");
  sub->add_option("--output", o->output,
                  "where --batch writes its results (default - for standard output)");
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

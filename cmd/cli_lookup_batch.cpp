// sfcohort lookup --batch: every row of a table looked up, the results
// written as CSV, JSON Lines or an Excel workbook, and what the run understood of the file
// (columns, blank rows, errors) noted on standard error.
#include <cstdio>

#include "lookup.hpp"
#include "sfcohort/batch.hpp"
#include "sfcohort/sealed_request.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::cli {
namespace {

void note_summary(const Globals& g, const BatchSummary& n) {
  char summary[512];
  std::snprintf(summary, sizeof summary,
                "checked %s rows in %.1f s: %s exact, %s strong, %s possible, %s none",
                with_commas(n.rows).c_str(), n.seconds, with_commas(n.exact).c_str(),
                with_commas(n.strong).c_str(), with_commas(n.possible).c_str(),
                with_commas(n.none).c_str());
  std::string s = summary;
  if (n.errors) {
    s += ", " + with_commas(n.errors) + (n.errors == 1 ? " error (row " : " errors (rows ");
    for (size_t i = 0; i < n.error_rows.size(); ++i)
      s += (i ? ", " : "") + with_commas(n.error_rows[i]);
    if (n.errors > static_cast<int64_t>(n.error_rows.size())) s += ", ...";
    s += ")";
  }
  note(g, s);
}

// Which column fed each field, the columns not known, the blank rows: the
// partner's file as this run understood it.
void note_columns(const Globals& g, const BatchSummary& n) {
  for (const auto& w : n.warnings) warn(g, w);
  std::string s;
  for (const auto& [field, column] : n.columns)
    s += (s.empty() ? "columns: " : ", ") + field + " <- '" + column + "'";
  if (!s.empty()) note(g, s);
  if (n.blank)
    note(g, with_commas(n.blank) + " blank row" + (n.blank == 1 ? "" : "s") + " skipped");
}

}  // namespace

Result<int> run_lookup_batch(const Globals& g, const LookupOptions& o, Band min_band) {
  std::string format = o.format.empty() ? "csv" : o.format;
  if (format != "csv" && format != "jsonl" && format != "xlsx")
    return invalid_input("--format must be csv, jsonl or xlsx with --batch");
  const bool sealed_in = exchange::is_sealed_request(o.batch);
  if (format == "xlsx") {
    if (o.output.empty() || o.output == "-")
      return Error(Errc::kInvalidInput, "--format xlsx writes a file, not standard output",
                   {"name the workbook with --output FILE.xlsx"});
    if (sealed_in || !o.seal.to.empty())
      return invalid_input("--format xlsx is not for a partner's sealed request or reply (CSV)");
  }
  BatchOptions bo;
  bo.input = o.batch;
  bo.output = o.output;
  bo.maps = o.maps;
  bo.sheet = o.sheet;
  if (o.bom && o.no_bom) return invalid_input("--bom and --no-bom cannot be combined");
  if (o.bom && format != "csv")
    return invalid_input("--bom is for CSV output (JSON Lines and workbooks never have one)");
  // Excel shows "Bąk" and "Siân" right only in a CSV file with a
  // byte-order mark; a pipe goes to programs, which may not expect one.
  bo.bom = o.bom || (!o.no_bom && o.output != "-");
  bo.format = format == "jsonl"  ? BatchFormat::kJsonl
              : format == "xlsx" ? BatchFormat::kXlsx
                                 : BatchFormat::kCsv;
  bo.min_band = min_band;
  Progress bar(g, "looking up", 0);
  bo.progress = [&bar](const BatchProgress& p) {
    bar.update(p.input_bytes ? p.bytes_read : p.rows, p.input_bytes);
  };
  auto looked_up = [&g, &bar](const BatchSummary& n) {
    bar.done();
    note_columns(g, n);
    note_summary(g, n);
  };
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

}  // namespace sfcohort::cli

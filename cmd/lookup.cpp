// sfcohort lookup: is this person in the cohort? Single lookups from flags
// (text or JSON) and bulk lookups from CSV (to CSV or JSON Lines). The
// matching, the batch engine and the answer to a partner's sealed request
// live in the library (sfcohort/lookup.hpp, batch.hpp, sealed_request.hpp);
// this file parses options and prints.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sfcohort/batch.hpp"
#include "sfcohort/family.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/sealed_request.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"
#include "share.hpp"

namespace sfcohort::cli {
namespace {

struct LookupOptions {
  std::string given, surname, dob, postcode, house;
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

std::string address_of(const Person& p) {
  if (p.house.empty()) return p.postcode;
  if (p.postcode.empty()) return p.house;
  return p.house + ", " + p.postcode;
}

std::string display_postcode(const std::string& raw) {
  auto pc = parse_postcode(raw);
  return pc ? pc->unit() : trim(raw);
}

// "variant (Jon ~ Jonathan)": the level, with both values where they differ.
std::string field_text(std::string_view field, std::string_view level, const std::string& q,
                       const std::string& p) {
  std::string s = std::string(field) + " " + std::string(level);
  if (level != "exact" && level != "missing" && !q.empty() && !p.empty() && q != p)
    s += " (" + q + " ~ " + p + ")";
  return s;
}

// ---------------------------------------------------------------------------
// Single lookup

// Two lines per match: the band, name and ids; then the why, field by field.
std::string match_text(const Query& q, const Match& m) {
  std::string band = std::string(band_name(m.band));
  for (auto& c : band) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  char line[512];
  std::string name = m.person.given_name.empty()
                         ? to_upper_ascii(m.person.surname)
                         : m.person.given_name + " " + to_upper_ascii(m.person.surname);
  // The band in a column of 8 ("STRONG  Jonathan"), never run into the
  // name ("POSSIBLE  Muhammad").
  band.append(band.size() + 2 > 8 ? 2 : 8 - band.size(), ' ');
  std::snprintf(line, sizeof line,
                "%s%s  b. %s  %-16s family %s \xC2\xB7 person %s  (score %.4f)\n", band.c_str(),
                name.c_str(), m.person.dob.c_str(), address_of(m.person).c_str(),
                m.person.family_id.c_str(), m.person.id.c_str(), m.score);
  std::string out = line;
  std::string dob_q = q.dob;
  if (auto d = parse_date(q.dob)) dob_q = d->iso();
  out +=
      "        " +
      field_text("given_name", level_name(m.why.given_name), q.given_name, m.person.given_name) +
      " \xC2\xB7 " + field_text("surname", level_name(m.why.surname), q.surname, m.person.surname) +
      " \xC2\xB7 " + field_text("dob", level_name(m.why.dob), dob_q, m.person.dob) + " \xC2\xB7 " +
      field_text("postcode", level_name(m.why.postcode), display_postcode(q.postcode),
                 m.person.postcode) +
      " \xC2\xB7 " + field_text("house", level_name(m.why.house), q.house, m.person.house) + "\n";
  return out;
}

// One line: a cohort family at the queried address, and who in it looks
// like the queried person.
std::string household_text(const Query& q, const Household& h) {
  std::string out = "household: family " + h.family_id + " is at " + q.house + ", " +
                    display_postcode(q.postcode);
  if (h.similar.empty()) {
    out += " (" + std::to_string(h.people) + (h.people == 1 ? " person" : " people");
    if (!h.lead_agency.empty()) out += ", lead: " + h.lead_agency;
    out += ")";
  } else {
    out += " \xE2\x80\x94 ";
    std::string dob_q = q.dob;
    if (auto d = parse_date(q.dob)) dob_q = d->iso();
    bool twins = true;
    for (size_t i = 0; i < h.similar.size(); ++i) {
      const Person& p = h.similar[i];
      if (i) out += "; ";
      out += (p.given_name.empty() ? "" : p.given_name + " ") + to_upper_ascii(p.surname) + " b. " +
             p.dob + " is a member";
      twins = twins && p.dob == dob_q;
    }
    out += twins ? " (a twin? check with the family's lead"
                 : " (a sibling? check with the family's lead";
    if (!h.lead_agency.empty()) out += ": " + h.lead_agency;
    out += ")";
  }
  return out + "\n";
}

using Closed = std::map<std::string, std::string>;  // family id -> "closed on DATE (reason)"

// LINE with "  closed on DATE (reason)" before its newline when FAMILY_ID is closed.
std::string mark_closed(std::string line, const Closed& closed, const std::string& family_id) {
  auto it = closed.find(family_id);
  if (it != closed.end()) line.insert(line.find('\n'), "  " + it->second);
  return line;
}

// Text: the answer first, the reason next.
void print_text(const Query& q, const LookupResult& res, const Closed& closed) {
  std::string out;
  for (const auto& m : res.matches)
    out += mark_closed(match_text(q, m), closed, m.person.family_id);
  if (res.matches.empty()) out += "no person matched\n";
  for (const auto& h : res.household) out += mark_closed(household_text(q, h), closed, h.family_id);
  if (res.candidates > static_cast<int>(res.matches.size()) && !res.matches.empty())
    out += std::to_string(res.candidates) + " people reached possible; showing " +
           std::to_string(res.matches.size()) + " (see --limit, --min-band)\n";
  std::fputs(out.c_str(), stdout);
}

Result<int> run_single(const Globals& g, const LookupOptions& o, Band min_band) {
  std::string format = o.format.empty() ? "text" : o.format;
  if (format != "text" && format != "json")
    return invalid_input(
        "--format must be text or json for a single lookup (csv and jsonl are for --batch)");
  Query q{trim(o.given), trim(o.surname), trim(o.dob), trim(o.postcode), trim(o.house)};
  if (q.given_name.empty() && q.surname.empty() && q.dob.empty())
    return Error(Errc::kInvalidInput, "nothing to look up",
                 {"give at least --surname, --given or --dob, or --batch FILE"});
  auto store = Store::open(g.context("lookup"));
  if (!store) return store.error();
  sfcohort::LookupOptions lo;
  lo.min_band = min_band;
  lo.limit = o.limit;
  auto res = lookup_audited(*store, q, lo);
  if (!res) return res.error();
  for (const auto& w : res->warnings) warn(g, w);
  auto closed = family::closed_texts(*store, *res);
  if (!closed) return closed.error();
  if (format == "json") {
    auto j = lookup_json(q, *res);
    for (auto& m : j["matches"])
      m["status"] = closed->count(m.value("family_id", "")) ? "closed" : "active";
    std::printf("%s\n", j.dump().c_str());
  } else {
    print_text(q, *res, *closed);
  }
  return res->matches.empty() ? 1 : 0;
}

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
        !o.house.empty())
      return Error(
          Errc::kInvalidInput,
          "--batch cannot be combined with --given, --surname, --dob, --postcode or --house",
          {"put the people to look up in the batch file"});
    return run_batch(g, o, *band);
  }
  if (o.output != "-") return invalid_input("--output is for --batch");
  return run_single(g, o, *band);
}

}  // namespace

void add_lookup(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<LookupOptions>();
  CLI::App* sub = app.add_subcommand("lookup", "find a person (or a list of people) in the cohort");
  sub->add_option("--given", o->given, "given name as the partner gave it");
  sub->add_option("--surname", o->surname, "surname as the partner gave it");
  sub->add_option("--dob", o->dob,
                  "date of birth: YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY");
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

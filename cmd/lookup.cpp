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

// Text: the answer first, the reason next.
void print_text(const Query& q, const LookupResult& res) {
  std::string out;
  for (const auto& m : res.matches) out += match_text(q, m);
  if (res.matches.empty()) out += "no person matched\n";
  for (const auto& h : res.household) out += household_text(q, h);
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
  if (format == "json") {
    std::printf("%s\n", lookup_json(q, *res).dump().c_str());
  } else {
    print_text(q, *res);
  }
  return res->matches.empty() ? 1 : 0;
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
    return run_lookup_batch(g, o, *band);
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

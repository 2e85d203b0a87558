// sfcohort lookup, a single lookup: one person from flags, or the families
// at an address, printed as text (the answer first, the reason next) or
// JSON, and audited (lookup_audited).
#include "lookup.hpp"

#include <cctype>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "sfcohort/batch.hpp"
#include "sfcohort/family.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

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
                         ? to_upper(m.person.surname)
                         : m.person.given_name + " " + to_upper(m.person.surname);
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
      " \xC2\xB7 " + field_text("house", level_name(m.why.house), q.house, m.person.house);
  if (m.why.sex != SexLevel::kMissing)
    out += " \xC2\xB7 " + field_text("sex", level_name(m.why.sex), q.sex, m.person.sex);
  if (m.why.twin_or_alias)
    out += "\n        only the given name differs: a twin, or the same person under another name?";
  if (m.why.namesake)
    out += "\n        only the date of birth differs: a namesake parent or child, or a wrong date?";
  if (m.why.other_sex_form)
    out += "\n        the names are a man's and a woman's: never strong without --sex";
  return out + "\n";
}

// One line: a cohort family at the queried address, and who in it looks
// like the queried person.
std::string household_text(const Query& q, const Household& h) {
  const std::string& house = q.house.empty() ? h.house : q.house;
  std::string out = "household: family " + h.family_id + " is at " +
                    (house.empty() ? "" : house + ", ") + display_postcode(q.postcode);
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
      out += (p.given_name.empty() ? "" : p.given_name + " ") + to_upper(p.surname) + " b. " +
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
  if (q.address_only() && res.household.empty())
    out += "no cohort family known at " + (q.house.empty() ? "" : q.house + ", ") +
           display_postcode(q.postcode) + "\n";
  else if (res.matches.empty() && !q.address_only())
    out += "no person matched\n";
  for (const auto& h : res.household) out += mark_closed(household_text(q, h), closed, h.family_id);
  if (res.candidates > static_cast<int>(res.matches.size()) && !res.matches.empty())
    out += std::to_string(res.candidates) + " people reached possible; showing " +
           std::to_string(res.matches.size()) + " (see --limit, --min-band)\n";
  std::fputs(out.c_str(), stdout);
}

// M, F, X or U in any case, upper-cased; nullopt for anything else.
std::optional<std::string> parse_sex(const std::string& text) {
  std::string s = trim(text);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.empty() || s == "M" || s == "F" || s == "X" || s == "U") return s;
  return std::nullopt;
}

}  // namespace

Result<int> run_single(const Globals& g, const SingleLookup& o, Band min_band) {
  std::string format = o.format.empty() ? "text" : o.format;
  if (format != "text" && format != "json")
    return invalid_input(
        "--format must be text or json for a single lookup (csv and jsonl are for --batch)");
  auto sex = parse_sex(o.sex);
  if (!sex) return invalid_input("--sex must be M, F, X or U, not '" + o.sex + "'");
  Query q{trim(o.given), trim(o.surname), trim(o.dob), trim(o.postcode), trim(o.house), *sex};
  if (q.given_name.empty() && q.surname.empty() && q.dob.empty()) {
    if (q.postcode.empty())
      return Error(Errc::kInvalidInput, "nothing to look up",
                   {"give at least --surname, --given or --dob, --postcode (and --house) for "
                    "the families at an address, or --batch FILE"});
    if (!q.sex.empty())
      return invalid_input("--sex needs a person to compare: --given, --surname or --dob");
  }
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
  if (q.address_only()) return res->household.empty() ? 1 : 0;
  return res->matches.empty() ? 1 : 0;
}

}  // namespace sfcohort::cli

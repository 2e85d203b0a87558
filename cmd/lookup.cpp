// sfcohort lookup: is this person in the cohort? Single lookups from flags
// (text or JSON) and bulk lookups from CSV (to CSV or JSON Lines). The
// matching itself lives in the library (sfcohort/lookup.hpp); this file
// parses options, reads and writes rows, and prints.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli.hpp"
#include "sfcohort/csv.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::cli {
namespace {

struct LookupOptions {
  std::string given, surname, dob, postcode, house;
  std::string min_band = "possible";
  int limit = 5;
  std::string format;
  std::string batch;
  std::string output = "-";
};

nlohmann::json why_json(const Why& w) {
  return {{"given_name", level_name(w.given_name)},
          {"surname", level_name(w.surname)},
          {"dob", level_name(w.dob)},
          {"postcode", level_name(w.postcode)},
          {"house", level_name(w.house)}};
}

std::string upper_surname(const std::string& s) {
  // Only ASCII letters change case; accents are kept as written.
  return to_upper_ascii(s);
}

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

Result<int> run_single(const Globals& g, const LookupOptions& o, Band min_band) {
  std::string format = o.format.empty() ? "text" : o.format;
  if (format != "text" && format != "json")
    return invalid_input("--format must be text or json for a single lookup (csv and jsonl are for --batch)");
  Query q{trim(o.given), trim(o.surname), trim(o.dob), trim(o.postcode), trim(o.house)};
  if (q.given_name.empty() && q.surname.empty() && q.dob.empty())
    return Error(Errc::kInvalidInput, "nothing to look up",
                 {"give at least --surname, --given or --dob, or --batch FILE"});
  auto store = Store::open(g.context("lookup"));
  if (!store) return store.error();
  auto matcher = Matcher::create(*store);
  if (!matcher) return matcher.error();
  sfcohort::LookupOptions lo;
  lo.min_band = min_band;
  lo.limit = o.limit;
  auto res = matcher->lookup(q, lo);
  if (!res) return res.error();

  nlohmann::json matched = nlohmann::json::array(), fams = nlohmann::json::array();
  for (const auto& m : res->matches) matched.push_back(m.person.id);
  for (const auto& h : res->household) fams.push_back(h.family_id);
  nlohmann::json fields = nlohmann::json::array();
  for (auto [name, v] : {std::pair<const char*, const std::string*>{"given_name", &q.given_name},
                         {"surname", &q.surname}, {"dob", &q.dob}, {"postcode", &q.postcode},
                         {"house", &q.house}})
    if (!v->empty()) fields.push_back(name);
  std::string best = res->matches.empty() ? "none" : std::string(band_name(res->matches.front().band));
  SF_TRY(store->audit(res->matches.empty() ? "" : res->matches.front().person.id,
                      {{"mode", "single"}, {"fields", fields}, {"band", best}, {"matched", matched},
                       {"household", fams}, {"candidates", res->candidates}}));

  for (const auto& w : res->warnings) warn(g, w);
  const int status = res->matches.empty() ? 1 : 0;
  if (format == "json") {
    nlohmann::json j;
    j["query"] = {{"given_name", q.given_name}, {"surname", q.surname}, {"dob", q.dob},
                  {"postcode", q.postcode}, {"house", q.house}};
    j["warnings"] = res->warnings;
    j["matches"] = nlohmann::json::array();
    for (const auto& m : res->matches) {
      char score[16];
      std::snprintf(score, sizeof score, "%.4f", m.score);
      j["matches"].push_back(
          {{"band", band_name(m.band)},
           {"score", std::stod(score)},
           {"family_id", m.person.family_id},
           {"person_id", m.person.id},
           {"person",
            {{"given_name", m.person.given_name}, {"middle_names", m.person.middle_names},
             {"surname", m.person.surname}, {"dob", m.person.dob}, {"postcode", m.person.postcode},
             {"house", m.person.house}}},
           {"why", why_json(m.why)}});
    }
    j["household"] = nlohmann::json::array();
    for (const auto& h : res->household) {
      nlohmann::json hj = {{"family_id", h.family_id}, {"why", h.why}, {"people", h.people},
                           {"lead_agency", h.lead_agency}};
      hj["similar"] = nlohmann::json::array();
      for (const auto& p : h.similar)
        hj["similar"].push_back({{"person_id", p.id}, {"given_name", p.given_name},
                                 {"surname", p.surname}, {"dob", p.dob}});
      j["household"].push_back(hj);
    }
    j["candidates"] = res->candidates;
    std::printf("%s\n", j.dump().c_str());
    return status;
  }

  // Text: the answer first, the reason next.
  std::string out;
  for (const auto& m : res->matches) {
    std::string band = std::string(band_name(m.band));
    for (auto& c : band) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    char line[512];
    std::string name = m.person.given_name.empty() ? upper_surname(m.person.surname)
                                                   : m.person.given_name + " " + upper_surname(m.person.surname);
    std::snprintf(line, sizeof line, "%-8s%s  b. %s  %-16s family %s \xC2\xB7 person %s  (score %.4f)\n",
                  band.c_str(), name.c_str(), m.person.dob.c_str(), address_of(m.person).c_str(),
                  m.person.family_id.c_str(), m.person.id.c_str(), m.score);
    out += line;
    std::string dob_q = q.dob;
    if (auto d = parse_date(q.dob)) dob_q = d->iso();
    out += "        " + field_text("given_name", level_name(m.why.given_name), q.given_name, m.person.given_name) +
           " \xC2\xB7 " + field_text("surname", level_name(m.why.surname), q.surname, m.person.surname) +
           " \xC2\xB7 " + field_text("dob", level_name(m.why.dob), dob_q, m.person.dob) + " \xC2\xB7 " +
           field_text("postcode", level_name(m.why.postcode), display_postcode(q.postcode), m.person.postcode) +
           " \xC2\xB7 " + field_text("house", level_name(m.why.house), q.house, m.person.house) + "\n";
  }
  if (res->matches.empty()) out += "no person matched\n";
  for (const auto& h : res->household) {
    out += "household: family " + h.family_id + " is at " + q.house + ", " + display_postcode(q.postcode);
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
        out += (p.given_name.empty() ? "" : p.given_name + " ") + upper_surname(p.surname) + " b. " + p.dob +
               " is a member";
        twins = twins && p.dob == dob_q;
      }
      out += twins ? " (a twin? check with the family's lead" : " (a sibling? check with the family's lead";
      if (!h.lead_agency.empty()) out += ": " + h.lead_agency;
      out += ")";
    }
    out += "\n";
  }
  if (res->candidates > static_cast<int>(res->matches.size()) && !res->matches.empty())
    out += std::to_string(res->candidates) + " people reached possible; showing " +
           std::to_string(res->matches.size()) + " (see --limit, --min-band)\n";
  std::fputs(out.c_str(), stdout);
  return status;
}

// ---------------------------------------------------------------------------
// Batch

const char* const kOutCols[] = {"match", "score", "family_id", "person_id", "candidates", "why", "household"};

struct BatchCounts {
  long long rows = 0, exact = 0, strong = 0, possible = 0, none = 0, unreadable = 0;
  std::vector<long long> bad_rows;
};

Result<int> run_batch(const Globals& g, const LookupOptions& o, Band min_band) {
  std::string format = o.format.empty() ? "csv" : o.format;
  if (format != "csv" && format != "jsonl")
    return invalid_input("--format must be csv or jsonl with --batch");
  const bool stdin_input = o.batch == "-";
  auto reader = CsvReader::open(o.batch);
  if (!reader) return reader.error();
  off_t total_bytes = 0;
  if (!stdin_input) {
    struct stat st;
    if (::stat(o.batch.c_str(), &st) == 0) total_bytes = st.st_size;
  }
  std::vector<std::string> header;
  auto h = reader->next(header);
  if (!h) return h.error();
  if (!*h) return invalid_input(reader->name() + ": empty input: a header row is required");
  CsvColumns cols(header);
  int ig = cols.index("given_name"), is = cols.index("surname"), id = cols.index("dob"),
      ip = cols.index("postcode"), ih = cols.index("house");
  if (ig < 0 && is < 0 && id < 0)
    return Error(Errc::kInvalidInput,
                 reader->name() + ": no given_name, surname or dob column in the header",
                 {"name the columns as in 'man sfcohort-lookup' (e.g. given_name,surname,dob,postcode,house)"});

  auto store = Store::open(g.context("lookup"));
  if (!store) return store.error();
  auto matcher = Matcher::create(*store);
  if (!matcher) return matcher.error();
  auto out = AtomicFile::create(o.output, 0600);
  if (!out) return out.error();

  // Input columns named like an output column are renamed input_<name>.
  std::vector<std::string> in_names = header;
  for (size_t i = 0; i < in_names.size(); ++i)
    for (const char* c : kOutCols)
      if (cols.canonical()[i] == canonical_column(c)) in_names[i] = std::string("input_") + c;
  std::string buf;
  if (format == "csv") {
    std::vector<std::string> hdr = in_names;
    for (const char* c : kOutCols) hdr.push_back(c);
    append_csv_row(buf, hdr);
  }

  sfcohort::LookupOptions lo;
  lo.min_band = min_band;
  lo.limit = 1;
  lo.household_details = false;
  BatchCounts n;
  const bool progress = show_progress(g);
  auto t0 = std::chrono::steady_clock::now();
  auto last_progress = t0;
  std::vector<std::string> f;
  auto field = [&](int i) -> std::string { return i >= 0 && static_cast<size_t>(i) < f.size() ? f[i] : ""; };
  for (;;) {
    if (interrupted()) return Error(Errc::kInterrupted, "interrupted: nothing written");
    auto r = reader->next(f);
    long long row = static_cast<long long>(reader->record_number());
    std::vector<std::string> outcols(7);
    nlohmann::json why = nlohmann::json::object();
    bool bad = false;
    bool last = false;
    if (!r) {
      // An I/O error stops the batch; a row that cannot be parsed (even an
      // unclosed quote at the very end) is noted and the batch goes on.
      if (r.error().code == Errc::kEnvironment || r.error().code == Errc::kInterrupted) return r.error();
      last = reader->fatal();
      bad = true;
      f.assign(header.size(), "");
      outcols[0] = "error";
      outcols[5] = r.error().message;
      why = {{"error", r.error().message}};
      ++n.unreadable;
      if (n.bad_rows.size() < 10) n.bad_rows.push_back(row);
    } else if (!*r) {
      break;
    } else {
      Query q{field(ig), field(is), field(id), field(ip), field(ih)};
      auto res = matcher->lookup(q, lo);
      if (!res) return res.error();
      char score[16] = "0.0000";
      if (!res->matches.empty()) {
        const Match& m = res->matches.front();
        std::snprintf(score, sizeof score, "%.4f", m.score);
        outcols[0] = std::string(band_name(m.band));
        outcols[2] = m.person.family_id;
        outcols[3] = m.person.id;
        outcols[5] = m.why.to_string();
        why = why_json(m.why);
        switch (m.band) {
          case Band::kExact: ++n.exact; break;
          case Band::kStrong: ++n.strong; break;
          default: ++n.possible; break;
        }
      } else {
        outcols[0] = "none";
        ++n.none;
      }
      outcols[1] = score;
      outcols[4] = std::to_string(res->candidates);
      std::string hh;
      for (const auto& fam : res->household) hh += (hh.empty() ? "" : ";") + fam.family_id;
      outcols[6] = hh;
    }
    ++n.rows;
    f.resize(header.size());
    if (format == "csv") {
      std::vector<std::string> rowv = f;
      rowv.insert(rowv.end(), outcols.begin(), outcols.end());
      append_csv_row(buf, rowv);
    } else {
      nlohmann::json j = nlohmann::json::object();
      j["row"] = row;
      for (size_t i = 0; i < in_names.size(); ++i) j[in_names[i]] = f[i];
      j["match"] = outcols[0];
      j["score"] = bad ? 0.0 : std::stod(outcols[1]);
      j["family_id"] = outcols[2];
      j["person_id"] = outcols[3];
      j["candidates"] = bad ? 0 : std::stoi(outcols[4]);
      j["why"] = why;
      j["household"] = outcols[6];
      buf += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      buf += '\n';
    }
    if (buf.size() > (1 << 16)) {
      SF_TRY(out->write(buf));
      buf.clear();
    }
    if (last) break;
    if (progress && (n.rows & 255) == 0) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_progress > std::chrono::milliseconds(200)) {
        last_progress = now;
        if (total_bytes > 0)
          std::fprintf(stderr, "\rlookup: %s rows (%d%%)  ", with_commas(n.rows).c_str(),
                       static_cast<int>(100.0 * static_cast<double>(reader->bytes_read()) / total_bytes));
        else
          std::fprintf(stderr, "\rlookup: %s rows  ", with_commas(n.rows).c_str());
      }
    }
  }
  SF_TRY(out->write(buf));
  if (progress) std::fprintf(stderr, "\r\033[K");
  std::string digest = to_hex(reader->digest());
  SF_TRY(store->audit(reader->name(), {{"mode", "batch"},
                                       {"rows", n.rows},
                                       {"sha256", digest},
                                       {"unreadable", n.unreadable},
                                       {"exact", n.exact},
                                       {"strong", n.strong},
                                       {"possible", n.possible},
                                       {"none", n.none}}));
  SF_TRY(out->commit());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char summary[512];
  std::snprintf(summary, sizeof summary, "checked %s rows in %.1f s: %s exact, %s strong, %s possible, %s none",
                with_commas(n.rows).c_str(), secs, with_commas(n.exact).c_str(), with_commas(n.strong).c_str(),
                with_commas(n.possible).c_str(), with_commas(n.none).c_str());
  std::string s = summary;
  if (n.unreadable) {
    s += ", " + with_commas(n.unreadable) + " unreadable (row" + (n.unreadable == 1 ? " " : "s ");
    for (size_t i = 0; i < n.bad_rows.size(); ++i) s += (i ? ", " : "") + with_commas(n.bad_rows[i]);
    if (n.unreadable > static_cast<long long>(n.bad_rows.size())) s += ", ...";
    s += ")";
  }
  note(g, s);
  if (o.output != "-") note(g, "results: " + o.output);
  return 0;
}

Result<int> run_lookup(const Globals& g, const LookupOptions& o) {
  auto band = parse_band(o.min_band);
  if (!band || *band == Band::kNone)
    return invalid_input("--min-band must be exact, strong or possible, not '" + o.min_band + "'");
  if (o.limit < 1) return invalid_input("--limit must be 1 or more");
  if (!o.batch.empty()) {
    if (!o.given.empty() || !o.surname.empty() || !o.dob.empty() || !o.postcode.empty() || !o.house.empty())
      return Error(Errc::kInvalidInput, "--batch cannot be combined with --given, --surname, --dob, --postcode or --house",
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
  sub->add_option("--dob", o->dob, "date of birth: YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY");
  sub->add_option("--postcode", o->postcode, "postcode, any case or spacing");
  sub->add_option("--house", o->house, "house number or name: 12, 12A, \"Flat 3, 12\", \"Rose Cottage\"");
  sub->add_option("--min-band", o->min_band, "lowest band to report: exact, strong or possible (default possible)");
  sub->add_option("--limit", o->limit, "at most this many people in a single lookup (default 5)");
  sub->add_option("--format", o->format, "text or json (single); csv or jsonl (--batch)");
  sub->add_option("--batch", o->batch, "look up every row of this CSV file (- for standard input)");
  sub->add_option("--output", o->output, "where --batch writes its results (default - for standard output)");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_lookup(g, *o); }; });
}

}  // namespace sfcohort::cli

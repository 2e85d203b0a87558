// sfcohort train: learns the match model's weights from the cohort (and
// optionally a file of queries), shows them, and sets the band thresholds
// (sfcohort/train.hpp).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/table.hpp"
#include "sfcohort/train.hpp"

namespace sfcohort::cli {
namespace {

struct TrainOptions {
  std::string queries, bands;
  std::vector<std::string> maps;
  bool show = false;
};

// The queries of a CSV file or workbook, its columns read as lookup --batch
// reads them (header aliases, --map FIELD=HEADER). A row that cannot be
// read is skipped: training needs many rows, not every one.
Result<std::vector<Query>> read_queries(const std::string& path,
                                        const std::vector<std::string>& maps) {
  auto in = open_table(path);
  if (!in) return in.error();
  RowSource& rows = **in;
  auto cols =
      ColumnMap::bind(rows.header(), {"given_name", "surname", "dob", "postcode", "house", "sex"},
                      {"surname", "dob"}, maps, rows.name());
  if (!cols) return cols.error();
  const int c[] = {cols->index("given_name"), cols->index("surname"), cols->index("dob"),
                   cols->index("postcode"),   cols->index("house"),   cols->index("sex")};
  std::vector<Query> out;
  TableRow row;
  for (;;) {
    auto r = rows.next(row);
    if (!r) return r.error();
    if (!*r) break;
    if (!row.error.empty()) continue;
    auto field = [&](int i) {
      return c[i] >= 0 && static_cast<size_t>(c[i]) < row.fields.size()
                 ? row.fields[static_cast<size_t>(c[i])]
                 : std::string();
    };
    out.emplace_back(field(0), field(1), field(2), field(3), field(4), field(5));
  }
  return out;
}

// "possible=0.5,strong=0.95" (either or both).
Status parse_bands(const std::string& text, std::optional<double>& possible,
                   std::optional<double>& strong) {
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    const auto eq = part.find('=');
    const std::string name = part.substr(0, eq);
    double v = 0;
    size_t used = 0;
    try {
      if (eq != std::string::npos) v = std::stod(part.substr(eq + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (eq == std::string::npos || used == 0 || used != part.size() - eq - 1 ||
        (name != "possible" && name != "strong"))
      return Error(Errc::kInvalidInput, "--bands: '" + part + "' is not BAND=PROBABILITY",
                   {"e.g. --bands possible=0.2,strong=0.99"});
    (name == "possible" ? possible : strong) = v;
  }
  if (!possible && !strong) return invalid_input("--bands: no band given");
  return Ok{};
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void print_model(const train::Model& m, std::ostream& out) {
  if (m.trained) {
    out << "match model: learned " << m.trained_at << "\n  " << m.source << "\n";
  } else {
    out << "match model: built-in (untrained): run `sfcohort train` to learn it from the cohort\n";
  }
  out << "bands: possible from probability " << fixed(m.possible, 4) << ", strong from "
      << fixed(m.strong, 4) << (m.bands_set ? " (set by the team)" : " (defaults)") << "\n";
  out << "score: the match probability, from the weights below and a prior of 1 in the "
         "cohort's size\n\n";
  out << "field       level      m (same person)  u (different)  weight (bits)\n";
  for (const auto& l : m.levels) {
    char line[160];
    char u[32];
    if (l.u >= 0.001)
      std::snprintf(u, sizeof u, "%.4f", l.u);
    else
      std::snprintf(u, sizeof u, "%.2e", l.u);
    std::snprintf(line, sizeof line, "%-11s %-10s %15.4f  %13s  %+13.1f%s\n", l.field.c_str(),
                  l.level.c_str(), l.m, u, l.bits,
                  l.level == "exact" && (l.field == "given_name" || l.field == "surname")
                      ? "  (by name frequency)"
                      : "");
    out << line;
  }
}

Result<int> run_train(const Globals& g, const TrainOptions& o) {
  std::optional<double> possible, strong;
  if (!o.bands.empty()) SF_TRY(parse_bands(o.bands, possible, strong));
  train::Options opts;
  if (!o.queries.empty()) {
    auto q = read_queries(o.queries, o.maps);
    if (!q) return q.error();
    opts.queries = std::move(*q);
    opts.queries_from = o.queries == "-" ? "standard input" : o.queries;
  }
  auto store = Store::open(g.context("train"));
  if (!store) return store.error();
  const bool learn = !o.queries.empty() || (!o.show && o.bands.empty());
  if (learn) {
    auto m = train::train(*store, opts);
    if (!m) return m.error();
    note(g, "train: " + m->source + " (" + fixed(m->seconds, 1) + " s)");
  }
  if (possible || strong) {
    SF_TRY(train::set_bands(*store, possible, strong));
    note(g, "train: bands set");
  }
  if (o.show) {
    auto m = train::model(*store);
    if (!m) return m.error();
    print_model(*m, std::cout);
  }
  return 0;
}

}  // namespace

void add_train(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand(
      "train", "learn the lookup's match weights from the cohort; show them; set the bands");
  sub->add_option("--queries", o->queries,
                  "also learn from these people as partners give them (a CSV file as lookup "
                  "--batch reads)");
  sub->add_option("--map", o->maps,
                  "with --queries: FIELD=HEADER, the column HEADER gives FIELD (repeatable)");
  sub->add_flag("--show", o->show, "print the weights and bands lookups use (no training alone)");
  sub->add_option("--bands", o->bands,
                  "set the band thresholds on the match probability: possible=P,strong=S");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_train(g, *o); }; });
}

}  // namespace sfcohort::cli

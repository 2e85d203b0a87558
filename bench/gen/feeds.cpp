// `sfcohort-gen feeds`: five evidence feeds as partners send them, about
// people of a cohort and about households outside it, with the truth of
// which outside households are eligible under kirklees-2015 (2 or more of
// its 6 criteria), for bench/identify.sh.
//
// Outside households: one or two adults and one to three children sharing a
// surname, at a postcode and house no cohort family has. Each is given 0 to 4
// of the criteria Crime/ASB (asb_recorded, an adult), Education (attendance
// below 90%, a child), Children who need help (child_in_need, a child),
// Worklessness (out_of_work_benefit, an adult) and Domestic abuse (two
// dv_police_callout, an adult), each with rows dated within six months of
// --as-of; eligible when it has 2 or more. Every child of such a household
// has an attendance row (90% or more when Education was not given). The rest
// of each feed is rows about cohort people, as the cohort holds them.
// Outside households are made until their children's rows are 40% of the
// attendance feed.
#include "feeds.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "gen.hpp"

namespace gen {
namespace {

struct FeedsOptions {
  std::string cohort, dir = ".";
  uint64_t rows = 100000, seed = 1;
  int64_t as_of = 0;
};

struct Row {
  std::string given, surname, dob, postcode, house, date, value;
};

constexpr std::array<const char*, 5> kFeeds = {"school_attendance_pct", "asb_recorded",
                                               "child_in_need", "out_of_work_benefit",
                                               "dv_police_callout"};

struct CohortPerson {
  std::string given, surname, dob, postcode, house;
  bool child = false;
};

bool load(const std::string& path, std::vector<CohortPerson>& out,
          std::set<std::string>& addresses) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  CsvIn in(f);
  std::vector<std::string> row;
  if (!in.next(row)) {
    std::fclose(f);
    return false;
  }
  // The generator's own cohort columns.
  while (in.next(row)) {
    if (row.size() < 11) continue;
    CohortPerson p{row[2], row[4], row[6], row[7], row[8], row[10] == "child"};
    addresses.insert(p.postcode + "|" + to_lower(p.house));
    out.push_back(std::move(p));
  }
  std::fclose(f);
  return !out.empty();
}

std::string csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

int usage(const std::string& m) {
  std::fprintf(stderr, "sfcohort-gen: error: feeds: %s\n", m.c_str());
  return 2;
}

// PATH could not be written: why (no such folder, no permission, a full
// disk), with a hint when the folder is missing.
int cannot_write(const std::string& path) {
  const int e = errno;
  std::fprintf(stderr, "sfcohort-gen: error: %s: cannot write (%s)\n", path.c_str(),
               std::strerror(e));
  if (e == ENOENT) {
    std::fprintf(stderr, "sfcohort-gen: hint: the folder --dir names must exist: create it\n");
  }
  return 3;
}

}  // namespace

int run_feeds(const std::vector<std::string>& args) {
  FeedsOptions o;
  o.as_of = days_from_ymd(2026, 9, 1);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (i + 1 >= args.size()) return usage(a + ": needs a value");
    const std::string& v = args[++i];
    if (a == "--cohort") {
      o.cohort = v;
    } else if (a == "--dir") {
      o.dir = v;
    } else if (a == "--rows") {
      o.rows = std::strtoull(v.c_str(), nullptr, 10);
    } else if (a == "--seed") {
      o.seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (a == "--as-of") {
      if (!parse_date(v, o.as_of)) return usage("--as-of: '" + v + "' is not a date");
    } else {
      return usage("unknown option " + a);
    }
  }
  if (o.cohort.empty() || o.rows == 0) return usage("--cohort FILE and --rows N are required");
  std::vector<CohortPerson> cohort;
  std::set<std::string> taken;
  if (!load(o.cohort, cohort, taken)) {
    std::fprintf(stderr, "sfcohort-gen: error: %s: cannot read a cohort\n", o.cohort.c_str());
    return 3;
  }
  Rng rng(o.seed * 0x9e3779b97f4a7c15ULL + 17);
  std::array<std::vector<Row>, kFeeds.size()> feeds;
  auto date_near = [&] { return iso_date(o.as_of - rng.range(1, 180)); };
  OutFile truth(o.dir + "/truth.csv");
  if (!truth.get()) return cannot_write(o.dir + "/truth.csv");
  std::fprintf(truth.get(), "household,eligible,criteria\n");
  // Outside households until their children fill about 40% of the
  // attendance feed (the other feeds get fewer of their rows).
  while (feeds[0].size() < o.rows * 2 / 5) {
    std::string postcode, house;
    do {
      postcode = random_postcode(rng, district_dist().pick(rng));
      house = std::to_string(rng.range(1, 400));
    } while (!taken.insert(postcode + "|" + house).second);
    std::vector<Person> adults, children;
    const Person first = random_person(rng, o.as_of, true);
    for (int i = 0, n = static_cast<int>(rng.range(1, 2)); i < n; ++i)
      adults.push_back(i ? random_person(rng, o.as_of, true) : first);
    for (int i = 0, n = static_cast<int>(rng.range(1, 3)); i < n; ++i) {
      Person c = random_person(rng, o.as_of, false);
      if (o.as_of - c.dob < 6 * 365) c.dob = o.as_of - rng.range(6 * 365, 15 * 365);
      children.push_back(c);
    }
    for (auto* g : {&adults, &children})
      for (auto& p : *g) p.surname = first.surname;
    auto row = [&](const Person& p, std::string value) {
      return Row{p.given, p.surname,   iso_date(p.dob), postcode,
                 house,   date_near(), std::move(value)};
    };
    const int n_criteria = static_cast<int>(rng.range(0, 4));
    std::vector<int> crit = {0, 1, 2, 3, 4};
    for (size_t i = crit.size() - 1; i > 0; --i) std::swap(crit[i], crit[rng.below(i + 1)]);
    crit.resize(static_cast<size_t>(n_criteria));
    std::sort(crit.begin(), crit.end());
    const bool education = std::count(crit.begin(), crit.end(), 0) > 0;
    for (const auto& c : children) {
      feeds[0].push_back(
          row(c, std::to_string(education ? rng.range(60, 88) : rng.range(91, 100))));
    }
    std::string names;
    for (int c : crit) {
      names += (names.empty() ? "" : ";") + std::string(kFeeds[static_cast<size_t>(c)]);
      const Person& adult = adults[rng.below(adults.size())];
      const Person& child = children[rng.below(children.size())];
      if (c == 1) feeds[1].push_back(row(adult, ""));
      if (c == 2) feeds[2].push_back(row(child, ""));
      if (c == 3) feeds[3].push_back(row(adult, ""));
      if (c == 4) {
        feeds[4].push_back(row(adult, ""));
        feeds[4].push_back(row(adult, ""));
      }
    }
    std::fprintf(truth.get(), "%s,%d,%s\n", csv("C:" + postcode + "|" + to_lower(house)).c_str(),
                 n_criteria >= 2 ? 1 : 0, names.c_str());
  }
  // Then cohort people, as the cohort holds them, to fill each feed.
  for (size_t f = 0; f < kFeeds.size(); ++f) {
    while (feeds[f].size() < o.rows) {
      const CohortPerson& p = cohort[rng.below(cohort.size())];
      if ((f == 0 || f == 2) != p.child) continue;
      std::string value = f == 0 ? std::to_string(rng.range(70, 100)) : "";
      feeds[f].push_back({p.given, p.surname, p.dob, p.postcode, p.house, date_near(), value});
    }
    for (size_t i = feeds[f].size() - 1; i > 0; --i)
      std::swap(feeds[f][i], feeds[f][rng.below(i + 1)]);
    OutFile out(o.dir + "/" + kFeeds[f] + ".csv");
    if (!out.get()) return cannot_write(o.dir + "/" + kFeeds[f] + ".csv");
    std::fprintf(out.get(), "given_name,surname,dob,postcode,house,date%s\n",
                 f == 0 ? ",value" : "");
    for (const Row& r : feeds[f]) {
      std::fprintf(out.get(), "%s,%s,%s,%s,%s,%s%s%s\n", csv(r.given).c_str(),
                   csv(r.surname).c_str(), r.dob.c_str(), r.postcode.c_str(), csv(r.house).c_str(),
                   r.date.c_str(), f == 0 ? "," : "", r.value.c_str());
    }
    if (!out.commit()) return cannot_write(o.dir + "/" + kFeeds[f] + ".csv");
  }
  return truth.commit() ? 0 : cannot_write(o.dir + "/truth.csv");
}

}  // namespace gen

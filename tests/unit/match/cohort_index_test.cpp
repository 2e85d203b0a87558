// A lookup over a CohortIndex (what bulk runs use) must answer exactly as a
// lookup over the store: the same people, bands, scores, reasons,
// households and candidate counts, for every kind of query.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "fixtures.hpp"
#include "match/blocking.hpp"
#include "match/model.hpp"
#include "match/names.hpp"
#include "sfcohort/lookup.hpp"
#include "sfcohort/store.hpp"

using namespace sfcohort;

namespace {

using P = testing::TestPerson;

std::vector<P> people() {
  std::vector<P> v = {
      {"F1", "P1", "Jonathan", "", "Smith", "2009-03-14", "HD1 2AB", "12"},
      {"F1", "P2", "Robert", "", "Smith", "1980-05-02", "HD1 2AB", "12"},
      {"F1", "P3", "Elizabeth", "Ann", "Smith", "1982-07-21", "HD1 2AB", "12"},
      {"F2", "P4", "Katarzyna", "", "Nowak", "1990-11-03", "LS11 6AD", "Flat 3, 12"},
      {"F3", "P5", "Mohammed", "", "Khan", "2005-06-07", "BD1 1AA", "Rose Cottage"},
      {"F3", "P6", "Zainab", "", "Khan", "2007-01-09", "BD1 1AA", "Rose Cottage"},
      {"F4", "P7", "Laura", "", "Hirst", "2008-09-12", "HD2 1XY", "7"},
      {"F4", "P8", "Lauren", "", "Hirst", "2008-09-12", "HD2 1XY", "7"},
      {"F5", "P9", "Sean", "", "O'Brien", "1975-02-28", "WF13 1AB", "3"},
      {"F6", "P10", "Emma", "Louise", "Smith-Jones", "1995-12-01", "S1 2AB", "4"},
      {"F7", "P11", "Ann", "", "McDonald", "1960-04-05", "G1 1AA", "10"},
      {"F8", "P12", "Aisha", "", "Begum", "2001-02-03", "M1 1AA", "5"},
      {"F9", "P13", "Aisha", "", "Begum", "2001-02-03", "M2 2BB", "9"},
      {"F10", "P14", "Zoë", "", "Kowalczyk", "2010-01-01", "HD3 3AA", "1"},
      {"F10", "P15", "Łukasz", "", "Nowicki", "1988-08-08", "HD3 3AA", "1A"},
      {"F11", "P16", "John", "", "Featherstonehaugh", "1970-01-20", "YO1 1AA", "2"},
      {"F12", "P17", "John", "", "Smith", "1970-01-20", "YO2 2AA", "2"},
      {"FC", "P18", "Closed", "", "Family", "1999-09-09", "HD1 2AB", "12"},
      {"FN", "P19", "Nominated", "", "Person", "1999-09-09", "HD1 2AB", "12"},
  };
  // A key shared by more people than a probe scores one by one (a placeholder
  // date with a common name): the block is skipped in both lookups.
  for (int i = 0; i < 160; ++i)
    v.push_back({"FB" + std::to_string(i), "B" + std::to_string(i), "Mary", "",
                 "Jones" + std::string(1, 'A' + i % 26), "2000-01-01",
                 "HX" + std::to_string(1 + i % 9) + " 1AA", std::to_string(i)});
  // Common names at nearby dates and addresses: many candidates per query.
  const char* given[] = {"Adam",  "Brian", "Carl",   "Dennis", "Eric",
                         "Frank", "Gavin", "Harold", "Jon",    "Jonny"};
  const char* surname[] = {"Smith", "Smyth", "Smithe", "Jones", "Khan", "Begum"};
  for (int i = 0; i < 300; ++i) {
    char dob[16];
    std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", 1990 + i % 7, 1 + i % 12, 1 + (i * 7) % 28);
    v.push_back({"FX" + std::to_string(i / 3), "X" + std::to_string(i), given[i % 10],
                 i % 4 ? "" : "James", surname[i % 6], dob,
                 "HX" + std::to_string(1 + i % 3) + " " + std::to_string(1 + i % 5) + "AB",
                 std::to_string(1 + i % 40) + (i % 7 ? "" : "B")});
  }
  return v;
}

// Stores people() in S, each family in the cohort but FC (closed) and FN
// (nominated).
void fill(Store& s) {
  for (const auto& p : people()) {
    const char* status = p.family == "FC" ? "closed" : p.family == "FN" ? "nominated" : "cohort";
    testing::add_test_person(s, p, status);
  }
}

Store cohort() {
  Store s = testing::memory_store();
  fill(s);
  return s;
}

// Everything a lookup answers, as text.
std::string describe(const LookupResult& r) {
  std::string s = "candidates " + std::to_string(r.candidates) + "\n";
  for (const auto& w : r.warnings) s += "warning " + w + "\n";
  for (const auto& m : r.matches) {
    char num[64];
    std::snprintf(num, sizeof num, "%.17g %.17g", m.score, m.bits);
    const Person& p = m.person;
    s += std::string(band_name(m.band)) + " " + num + " " + std::to_string(p.pk) + " " + p.id +
         " " + p.family_id + " " + p.given_name + "/" + p.middle_names + "/" + p.surname + "/" +
         p.dob + "/" + p.postcode + "/" + p.house + " " + m.why.to_string() + "\n";
  }
  for (const auto& h : r.household) {
    s += "household " + h.family_id + " " + h.why;
    for (const auto& p : h.similar) s += " " + p.id;
    s += "\n";
  }
  return s;
}

// Queries made from each cohort person the ways partners write them.
std::vector<Query> queries() {
  std::vector<Query> out;
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  for (const auto& p : people()) {
    Query q{p.given, p.surname, p.dob, p.postcode, p.house};
    out.push_back(q);
    Query x = q;
    std::swap(x.given_name, x.surname);
    out.push_back(x);
    x = q;
    x.dob = p.dob.substr(8, 2) + "/" + p.dob.substr(5, 2) + "/" + p.dob.substr(0, 4);
    out.push_back(x);
    x = q;
    x.dob = p.dob.substr(0, 5) + p.dob.substr(8, 2) + "-" +
            p.dob.substr(5, 2);  // day and month swapped
    out.push_back(x);
    x = q;
    x.dob[3] = static_cast<char>('0' + (x.dob[3] - '0' + 1) % 10);
    out.push_back(x);
    x = q;
    x.given_name = x.given_name.substr(0, 1);
    x.postcode = "";
    x.house = "";
    out.push_back(x);
    x = q;
    if (x.surname.size() > 3) x.surname[2] = 'x';
    out.push_back(x);
    x = q;
    if (x.given_name.size() > 3) std::swap(x.given_name[1], x.given_name[2]);
    x.postcode = "ZZ99 9ZZ";
    out.push_back(x);
    x = q;
    x.dob = p.dob.substr(0, 8) + "31";
    x.house = "Flat 2, " + x.house;
    out.push_back(x);
    x = q;
    x.given_name = "";
    x.surname = "";
    out.push_back(x);
    x = q;
    x.given_name = "Someone";
    out.push_back(x);
    x = q;
    if (!x.postcode.empty()) x.postcode.back() = x.postcode.back() == 'A' ? 'B' : 'A';
    x.dob = "";
    out.push_back(x);
    // And one with a field from another person.
    const auto all = people();
    const P& o = all[static_cast<size_t>(pick(static_cast<int>(all.size())))];
    x = q;
    switch (pick(4)) {
      case 0:
        x.given_name = o.given;
        break;
      case 1:
        x.surname = o.surname;
        break;
      case 2:
        x.dob = o.dob;
        break;
      default:
        x.postcode = o.postcode;
        x.house = o.house;
        break;
    }
    out.push_back(x);
  }
  return out;
}

}  // namespace

TEST_CASE("edits_upto_one agrees with edit_distance(a, b, 1) for every short string") {
  std::vector<std::string> words{""};
  for (size_t from = 0, len = 1; len <= 5; ++len) {
    size_t to = words.size();
    for (size_t i = from; i < to; ++i)
      for (char c : {'A', 'B', 'C'}) words.push_back(words[i] + c);
    from = to;
  }
  int checked = 0;
  for (const auto& a : words)
    for (const auto& b : words) {
      if (a.size() + 2 < b.size() || b.size() + 2 < a.size()) continue;
      REQUIRE_MESSAGE(match::edits_upto_one(a, b) == std::min(edit_distance(a, b, 1), 2),
                      a << " " << b);
      ++checked;
    }
  CHECK(checked > 100000);
  std::string l(70, 'A'), m = l;
  m[3] = 'B';
  CHECK(match::edits_upto_one(l, m) == edit_distance(l, m, 1));
  CHECK(match::edits_upto_one(l, l) == 0);
  CHECK(match::edits_upto_one(l, l + "A") == edit_distance(l, l + "A", 1));
}

TEST_CASE("a lookup over a CohortIndex answers as a lookup over the store") {
  Store s = cohort();
  auto by_store = Matcher::create(s);
  REQUIRE(by_store.has_value());
  auto index = CohortIndex::load(s);
  REQUIRE(index.has_value());
  REQUIRE(*index);
  CHECK((*index)->people() == people().size());
  CHECK((*index)->keys() > 0);
  Matcher by_index = Matcher::create(*index);

  LookupOptions opts;
  opts.household_details = false;
  opts.limit = 10;
  int with_matches = 0, with_household = 0;
  for (const Query& q : queries()) {
    CAPTURE(q.given_name);
    CAPTURE(q.surname);
    CAPTURE(q.dob);
    CAPTURE(q.postcode);
    CAPTURE(q.house);
    for (Band min : {Band::kPossible, Band::kExact}) {
      opts.min_band = min;
      auto a = by_store->lookup(q, opts);
      auto b = by_index.lookup(q, opts);
      REQUIRE(a.has_value());
      REQUIRE(b.has_value());
      CHECK(describe(*a) == describe(*b));
      with_matches += !a->matches.empty();
      with_household += !a->household.empty();
    }
  }
  // The queries reach every part of the answer.
  CHECK(with_matches > 500);
  CHECK(with_household > 100);
}

TEST_CASE("lookup_all: many queries on two threads, answered as one by one, in order") {
  Store s = cohort();
  auto index = CohortIndex::load(s);
  REQUIRE(index.has_value());
  REQUIRE(*index);
  Matcher one = Matcher::create(*index);
  LookupOptions opts;
  opts.household_details = false;
  opts.limit = 3;
  // Enough queries that both threads take several steps.
  std::vector<Query> qs;
  for (int i = 0; i < 12; ++i)
    for (const Query& q : queries()) qs.push_back(q);
  std::vector<const Query*> ptrs;
  for (const Query& q : qs) ptrs.push_back(&q);
  auto all = lookup_all(*index, ptrs, opts, 2);
  REQUIRE(all.has_value());
  REQUIRE(all->size() == qs.size());
  int matched = 0;
  for (size_t i = 0; i < qs.size(); ++i) {
    auto r = one.lookup(qs[i], opts);
    REQUIRE(r.has_value());
    CHECK(describe((*all)[i]) == describe(*r));
    matched += !r->matches.empty();
  }
  CHECK(matched > 0);
  auto none = lookup_all(*index, {}, opts, 2);
  REQUIRE(none.has_value());
  CHECK(none->empty());
}

TEST_CASE("a CohortIndex over people far apart in pk order (read in ranges; sparse pks)") {
  Store s = cohort();
  // People stored with large pks: the index reads people in ranges of pks,
  // most of them empty here, and past ~1M beyond the count it looks slots
  // up instead of tabling them.
  int n = 0;
  for (int64_t pk : {int64_t{70000}, int64_t{200000}, int64_t{3000000}}) {
    ++n;
    auto st = db::connection(s).prepare(
        "INSERT INTO person(pk, id, family_id, given_name, surname, dob, role, postcode, house, "
        "created_at, "
        "updated_at) VALUES (?1, ?2, 'F1', ?3, 'Smith', ?4, 'child', 'HD1 2AB', '12', 'now', "
        "'now')");
    REQUIRE(st.has_value());
    st->bind(1, pk).bind(2, "FAR" + std::to_string(n)).bind(3, n == 2 ? "Jon" : "Joanna");
    st->bind(4, "2009-03-1" + std::to_string(n));
    REQUIRE(st->run().has_value());
    auto p = s.person("FAR" + std::to_string(n));
    REQUIRE(p.has_value());
    REQUIRE(*p);
    REQUIRE(match::index_person(s, **p).has_value());
  }
  auto by_store = Matcher::create(s);
  REQUIRE(by_store.has_value());
  auto index = CohortIndex::load(s);
  REQUIRE(index.has_value());
  REQUIRE(*index);
  CHECK((*index)->people() == people().size() + 3);
  Matcher by_index = Matcher::create(*index);
  LookupOptions opts;
  opts.household_details = false;
  opts.limit = 10;
  int found = 0;
  for (const Query& q : std::vector<Query>{{"Joanna", "Smith", "2009-03-11", "HD1 2AB", "12"},
                                           {"Jon", "Smith", "2009-03-12", "HD1 2AB", "12"},
                                           {"Jonathan", "Smith", "2009-03-14", "HD1 2AB", "12"},
                                           {"Joanna", "Smith", "2009-03-13", "", ""},
                                           {"Mary", "JonesA", "2000-01-01", "HX1 1AA", "0"}}) {
    auto a = by_store->lookup(q, opts);
    auto b = by_index.lookup(q, opts);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(describe(*a) == describe(*b));
    for (const auto& m : b->matches) found += m.person.id.rfind("FAR", 0) == 0;
  }
  CHECK(found >= 3);
}

TEST_CASE(
    "a CohortIndex: closed and nominated families, skipped blocks, details it does not hold") {
  Store s = cohort();
  auto index = CohortIndex::load(s);
  REQUIRE(index.has_value());
  Matcher m = Matcher::create(*index);
  LookupOptions opts;
  opts.household_details = false;
  // A closed family is still reported (the batch marks it closed); a
  // nominated one is not in the cohort yet.
  auto r = m.lookup({"Closed", "Family", "1999-09-09", "HD1 2AB", "12"}, opts);
  REQUIRE(r.has_value());
  CHECK_FALSE(r->matches.empty());
  r = m.lookup({"Nominated", "Person", "1999-09-09", "HD1 2AB", "12"}, opts);
  REQUIRE(r.has_value());
  CHECK(r->matches.empty());
  // 160 Marys born 2000-01-01: the key of her given name and date is
  // skipped; the others still find her.
  r = m.lookup({"Mary", "JonesA", "2000-01-01", "HX1 1AA", "0"}, opts);
  REQUIRE(r.has_value());
  REQUIRE_FALSE(r->matches.empty());
  CHECK(r->matches.front().person.id == "B0");
  // Lead agencies and family sizes are in the store only.
  opts.household_details = true;
  CHECK_FALSE(m.lookup({"Jonathan", "Smith", "2009-03-14", "HD1 2AB", "12"}, opts).has_value());
}

TEST_CASE("a CohortIndex of an empty cohort finds no one") {
  Store s = testing::memory_store();
  auto index = CohortIndex::load(s);
  REQUIRE(index.has_value());
  REQUIRE(*index);
  CHECK((*index)->people() == 0);
  Matcher m = Matcher::create(*index);
  LookupOptions opts;
  opts.household_details = false;
  auto r = m.lookup({"Jonathan", "Smith", "2009-03-14", "HD1 2AB", "12"}, opts);
  REQUIRE(r.has_value());
  CHECK(r->matches.empty());
  CHECK(r->candidates == 0);
}

TEST_CASE("a CohortIndex is read in order: the query plans") {
  Store s = cohort();
  auto plan = [&](const std::string& q) { return testing::query_plan(s, q); };
  // The people in pk ranges: a range of the table's own B-tree, no sort.
  std::string people = plan(
      "SELECT pk, id, family_id, given_name, middle_names, surname, dob, postcode, house "
      "FROM person WHERE pk >= ?1 AND pk < ?2 ORDER BY pk");
  CHECK(people.find("SEARCH person USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)") !=
        std::string::npos);
  CHECK(people.find("TEMP B-TREE") == std::string::npos);
  std::string keys = plan("SELECT bucket, data FROM match_bucket ORDER BY bucket");
  CHECK(keys.find("SCAN match_bucket") != std::string::npos);
  CHECK(keys.find("TEMP B-TREE") == std::string::npos);
  std::string total = plan("SELECT coalesce(max(n), 0) FROM name_freq WHERE kind = '#'");
  CHECK(total.find("SEARCH name_freq USING PRIMARY KEY (kind=?)") != std::string::npos);
}

TEST_CASE("a CohortIndex of a cohort it cannot hold is null, not an error") {
  Store s = cohort();
  // A pk beyond 32 bits: the index's slots and postings are 32-bit.
  auto st = db::connection(s).prepare(
      "INSERT INTO person(pk, id, family_id, given_name, surname, dob, role, created_at, "
      "updated_at) VALUES (4294967296, 'BIG', 'F1', 'Jon', 'Smith', '2009-03-14', 'child', 'now', "
      "'now')");
  REQUIRE(st.has_value());
  REQUIRE(st->run().has_value());
  auto index = CohortIndex::load(s);
  REQUIRE(index.has_value());
  CHECK_FALSE(*index);
}

TEST_CASE("a CohortIndex read on two connections is the one read on one") {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sfcohort-index-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  const std::string dir = tmpl;
  Context ctx;
  ctx.actor = "tester";
  ctx.command = "test";
  ctx.db_path = dir + "/cohort.db";
  ctx.keys_dir = dir;
  {
    auto s = Store::open(ctx, Store::OpenMode::kCreate);
    REQUIRE(s.has_value());
    auto tx = s->begin_transaction();
    REQUIRE(tx.has_value());
    fill(*s);
    REQUIRE(tx->commit().has_value());
    auto second = Store::open(ctx);
    REQUIRE(second.has_value());
    auto one = CohortIndex::load(*s);
    auto two = CohortIndex::load(*s, &*second);
    REQUIRE(one.has_value());
    REQUIRE(two.has_value());
    REQUIRE(*one);
    REQUIRE(*two);
    CHECK((*two)->people() == people().size());
    CHECK((*two)->keys() == (*one)->keys());
    Matcher a = Matcher::create(*one), b = Matcher::create(*two);
    LookupOptions opts;
    opts.household_details = false;
    for (const Query& q : queries()) {
      auto ra = a.lookup(q, opts);
      auto rb = b.lookup(q, opts);
      REQUIRE(ra.has_value());
      REQUIRE(rb.has_value());
      CHECK(describe(*ra) == describe(*rb));
    }
  }
  std::filesystem::remove_all(dir);
}

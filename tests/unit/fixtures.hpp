// What the unit tests share: an in-memory store with the real schema, test
// people written as the library writes them (stored and indexed), row
// counts, and what SQLite's EXPLAIN QUERY PLAN says of a statement. Tests may
// look inside db/ (they are exempt from the layering), the product may not.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "match/blocking.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::testing {

// A store in memory with the real schema, opened in CTX.
inline Store memory_store(const Context& ctx) {
  auto s = Store::open_memory(ctx);
  REQUIRE(s.has_value());
  return std::move(*s);
}

// A store in memory with the real schema; audit entries name ACTOR and
// COMMAND.
inline Store memory_store(const std::string& command = "test",
                          const std::string& actor = "tester") {
  Context ctx;
  ctx.actor = actor;
  ctx.command = command;
  return memory_store(ctx);
}

// A person of a test cohort, as a table row.
struct TestPerson {
  std::string family, id, given, middle, surname, dob, postcode, house;
};

// Adds P (and its family, created with STATUS and a lead agency if new) as
// the library adds people: stored, then indexed for lookups.
inline Person add_test_person(Store& s, const TestPerson& p, const std::string& status = "cohort") {
  auto fam = s.family(p.family);
  REQUIRE(fam.has_value());
  if (!*fam) {
    Family f;
    f.id = p.family;
    f.status = status;
    f.lead_agency = "Family Intervention Project";
    REQUIRE(s.put_family(f).has_value());
  }
  Person x;
  x.id = p.id;
  x.family_id = p.family;
  x.given_name = p.given;
  x.middle_names = p.middle;
  x.surname = p.surname;
  x.dob = p.dob;
  x.postcode = p.postcode;
  x.house = p.house;
  x.role = "child";
  auto r = match::add_person(s, x);
  REQUIRE(r.has_value());
  return *r;
}

// The number of rows in TABLE.
inline int64_t count_rows(Store& s, const std::string& table) {
  auto n = db::connection(s).scalar_int("SELECT count(*) FROM " + table);
  REQUIRE(n.has_value());
  return *n;
}

// EXPLAIN QUERY PLAN of SQL, one line per step, for the tests that check a
// query is answered from an index.
inline std::string query_plan(Store& s, const std::string& sql) {
  auto st = db::connection(s).prepare("EXPLAIN QUERY PLAN " + sql);
  REQUIRE(st.has_value());
  std::string out;
  for (;;) {
    auto r = st->step();
    REQUIRE(r.has_value());
    if (!*r) break;
    out += st->text(3) + "\n";
  }
  return out;
}

}  // namespace sfcohort::testing

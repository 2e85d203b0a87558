#include <doctest/doctest.h>

#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "fixtures.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/store.hpp"

using namespace sfcohort;

namespace {
using testing::memory_store;

Person person(const char* family, const char* given, const char* surname, const char* dob) {
  Person p;
  p.family_id = family;
  p.given_name = given;
  p.surname = surname;
  p.dob = dob;
  p.role = "adult";
  return p;
}
}  // namespace

TEST_CASE("store: migrations bring an empty database to the latest version") {
  Store s = memory_store();
  CHECK(s.schema_version() == Store::latest_schema_version());
  CHECK(s.schema_version() >= 1);
  CHECK(s.database_id().size() == 32);
  auto fk = db::connection(s).scalar_int("PRAGMA foreign_keys");
  CHECK(*fk == 1);
}

TEST_CASE("store: families and people") {
  Store s = memory_store();
  Family f;
  f.id = "F1";
  f.lead_agency = "Family Intervention Project";
  REQUIRE(s.put_family(f).has_value());
  auto p = s.insert_person(person("F1", "Sarah", "O'Brien", "1985-04-02"));
  REQUIRE(p.has_value());
  CHECK(p->id == "P0000001");
  CHECK(p->pk > 0);
  auto again = s.insert_person(person("F1", "Liam", "O'Brien", "2008-09-12"));
  REQUIRE(again.has_value());
  CHECK(again->id == "P0000002");

  auto found = s.find_member("F1", " sarah ", "O'BRIEN", "1985-04-02");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->id == "P0000001");
  CHECK_FALSE(s.find_member("F1", "Sarah", "O'Brien", "1985-04-03")->has_value());

  Person changed = **found;
  changed.surname = "Hirst";
  REQUIRE(s.update_person(changed).has_value());
  CHECK((*s.person("P0000001"))->surname == "Hirst");
  CHECK((*s.family_members("F1")).size() == 2);
  CHECK((*s.family("F1"))->lead_agency == "Family Intervention Project");

  // A person needs an existing family.
  auto orphan = s.insert_person(person("NOPE", "A", "B", "2000-01-01"));
  CHECK_FALSE(orphan.has_value());

  // What lookups read of a person and a family.
  Person scored;
  scored.id = "kept";
  REQUIRE(*s.person_match_fields(p->pk, scored));
  CHECK(scored.pk == p->pk);
  CHECK(scored.id == "kept");
  CHECK(scored.family_id == "F1");
  CHECK(scored.surname == "Hirst");
  CHECK(scored.dob == "1985-04-02");
  CHECK_FALSE(*s.person_match_fields(p->pk + 100, scored));
  CHECK(*s.max_person_pk() == again->pk);
  CHECK(*s.family_size("F1") == 2);
  CHECK(*s.family_size("NOPE") == 0);
  CHECK(*s.family_in_cohort("F1"));
  CHECK_FALSE(*s.family_in_cohort("NOPE"));
  // A closed family is not gone: lookups still report it (marked closed).
  f.status = "closed";
  REQUIRE(s.put_family(f).has_value());
  CHECK(*s.family_in_cohort("F1"));
  f.status = "nominated";
  REQUIRE(s.put_family(f).has_value());
  CHECK_FALSE(*s.family_in_cohort("F1"));
}

TEST_CASE("store: a transaction and a bulk load are all or nothing") {
  Store s = memory_store();
  Family f;
  f.id = "F1";
  REQUIRE(s.put_family(f).has_value());
  for (bool dry_run : {false, true}) {
    {
      auto tx = s.begin_transaction();
      REQUIRE(tx.has_value());
      REQUIRE(s.insert_person(person("F1", "A", "B", "2000-01-01")).has_value());
    }  // no commit: rolled back
    {
      auto load = s.begin_bulk_load(dry_run);
      REQUIRE(load.has_value());
      REQUIRE(s.insert_person(person("F1", "A", "B", "2000-01-01")).has_value());
    }
    CHECK(*s.count_people() == 0);
  }
  {
    auto load = s.begin_bulk_load(false);
    REQUIRE(load.has_value());
    REQUIRE(s.insert_person(person("F1", "A", "B", "2000-01-01")).has_value());
    REQUIRE(load->commit().has_value());
  }
  auto tx = s.begin_transaction();
  REQUIRE(tx.has_value());
  REQUIRE(s.insert_person(person("F1", "C", "D", "2001-01-01")).has_value());
  REQUIRE(tx->commit().has_value());
  CHECK(*s.count_people() == 2);
}

TEST_CASE("store: a failed transaction leaves nothing behind") {
  Store s = memory_store();
  Family f;
  f.id = "F1";
  REQUIRE(s.put_family(f).has_value());
  {
    auto tx = sql::Transaction::begin(db::connection(s));
    REQUIRE(tx.has_value());
    REQUIRE(s.insert_person(person("F1", "A", "B", "2000-01-01")).has_value());
    REQUIRE(s.audit("x", {{"n", 1}}).has_value());
  }  // no commit: rolled back
  CHECK(*s.count_people() == 0);
  CHECK(*db::connection(s).scalar_int("SELECT count(*) FROM audit") == 0);
}

TEST_CASE("audit: entries chain and verify; an edit is found") {
  Store s = memory_store();
  REQUIRE(s.audit("one", {{"a", 1}}).has_value());
  REQUIRE(s.audit("two", {{"b", "O'Brien"}}).has_value());
  REQUIRE(s.audit("three", nullptr).has_value());
  auto entries = audit_entries(s, std::nullopt);
  REQUIRE(entries.has_value());
  REQUIRE(entries->size() == 3);
  CHECK((*entries)[1].detail["b"] == "O'Brien");
  CHECK((*entries)[0].actor == "tester");
}

TEST_CASE("sqlite: bound parameters keep O'Brien as data") {
  Store s = memory_store();
  auto st = db::connection(s).prepare("SELECT ?1");
  REQUIRE(st.has_value());
  st->bind(1, "O'Brien'); DROP TABLE person; --");
  REQUIRE(*st->step());
  CHECK(st->text(0) == "O'Brien'); DROP TABLE person; --");
  CHECK(*db::connection(s).scalar_int("SELECT count(*) FROM sqlite_schema WHERE name = 'person'") ==
        1);
}

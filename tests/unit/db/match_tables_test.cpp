// The store's side of the match tables (db/match_tables.hpp): postings,
// indexed people and name counts, against the real schema.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "db/match_tables.hpp"
#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "fixtures.hpp"
#include "sfcohort/store.hpp"

using namespace sfcohort;
namespace mt = sfcohort::match_tables;

namespace {

Store store_with_people(int n) {
  Store s = testing::memory_store();
  Family f;
  f.id = "F1";
  REQUIRE(s.put_family(f).has_value());
  for (int i = 0; i < n; ++i) {
    Person p;
    p.family_id = "F1";
    p.surname = "Smith";
    p.dob = "2000-01-01";
    p.role = "adult";
    REQUIRE(s.insert_person(p).has_value());
  }
  return s;
}

std::vector<int64_t> holders(Store& s, std::vector<uint64_t> keys, size_t max_block = 100) {
  std::vector<int64_t> pks;
  REQUIRE(mt::people_with_keys(s, keys, max_block, pks).has_value());
  std::sort(pks.begin(), pks.end());
  return pks;
}

}  // namespace

TEST_CASE("match tables: postings are added, removed and found by key") {
  Store s = store_with_people(4);
  // Two keys in one group (the same top 16 bits), one in another.
  const uint64_t a = 0x1234000000000001, b = 0x1234000000000002, c = 0xffff000000000009;
  REQUIRE(mt::update_postings(s, {{a, 1}, {a, 2}, {b, 2}, {c, 3}, {a, 1}}, {}).has_value());
  CHECK(holders(s, {a}) == std::vector<int64_t>{1, 2});
  CHECK(holders(s, {b, c}) == std::vector<int64_t>{2, 3});
  CHECK(holders(s, {0x1234000000000003}).empty());
  // A key more people hold than the block allows finds none of them.
  CHECK(holders(s, {a}, 1).empty());
  CHECK(holders(s, {a, b}, 1) == std::vector<int64_t>{2});
  // Removed and added at once: kept; removed alone: gone; the last of a
  // group: the group is gone.
  REQUIRE(mt::update_postings(s, {{a, 2}, {a, 4}}, {{a, 2}, {a, 1}, {c, 3}}).has_value());
  CHECK(holders(s, {a}) == std::vector<int64_t>{2, 4});
  CHECK(holders(s, {c}).empty());
  CHECK(*db::connection(s).scalar_int("SELECT count(*) FROM match_bucket") == 1);
}

TEST_CASE("match tables: indexed people and the unindexed") {
  Store s = store_with_people(60);
  CHECK(*mt::max_indexed_pk(s) == 0);
  CHECK(mt::unindexed_people(s)->size() == 60);
  // 55 rows: a statement of fifty, then five alone.
  std::vector<mt::IndexedPerson> rows;
  for (int64_t pk = 1; pk <= 55; ++pk)
    rows.push_back({pk, {uint64_t(pk), ~uint64_t(pk)}, "G" + std::to_string(pk), "SMITH"});
  REQUIRE(mt::put_indexed_people(s, rows).has_value());
  CHECK(*mt::max_indexed_pk(s) == 55);
  CHECK(*mt::unindexed_people(s) == std::vector<int64_t>{56, 57, 58, 59, 60});
  mt::IndexedPerson got;
  REQUIRE(*mt::indexed_person(s, 50, got));
  CHECK(got.pk == 50);
  CHECK(got.keys == std::vector<uint64_t>{50, ~uint64_t(50)});
  CHECK(got.given == "G50");
  CHECK(got.surname == "SMITH");
  CHECK_FALSE(*mt::indexed_person(s, 56, got));
  CHECK(got.pk == 50);
  // Stored little-endian, whatever the machine.
  auto st = db::connection(s).prepare("SELECT hex(keys) FROM match_person WHERE pk = 1");
  REQUIRE(*st->step());
  CHECK(st->text(0) == "0100000000000000FEFFFFFFFFFFFFFF");
}

TEST_CASE("match tables: name counts") {
  Store s = store_with_people(0);
  CHECK(*mt::name_count(s, mt::NameKind::kGiven, "JOHN") == 0);
  CHECK(*mt::people_indexed(s) == 0);
  REQUIRE(mt::add_name_count(s, mt::NameKind::kGiven, "JOHN", 2).has_value());
  REQUIRE(mt::add_name_count(s, mt::NameKind::kGiven, "JOHN", -1).has_value());
  REQUIRE(mt::add_name_count(s, mt::NameKind::kSurname, "JOHN", 5).has_value());
  REQUIRE(mt::add_name_count(s, mt::NameKind::kEveryone, "", 7).has_value());
  CHECK(*mt::name_count(s, mt::NameKind::kGiven, "JOHN") == 1);
  CHECK(*mt::name_count(s, mt::NameKind::kSurname, "JOHN") == 5);
  CHECK(*mt::people_indexed(s) == 7);
}

// The PostgreSQL side of the SQL layer (db/postgres.cpp) against a real
// server: run by ctest as pg_unit, with SFCOHORT_TEST_PG naming the test
// cluster's environment file (tests/pg/cluster.sh). Without it (the plain
// unit run) these cases say so and check nothing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "db/sql.hpp"

using namespace sfcohort;

namespace {

// The cluster's socket folder, from its environment file; "" without one.
std::string test_cluster() {
  const char* f = std::getenv("SFCOHORT_TEST_PG");
  if (!f || !*f) return "";
  std::ifstream in(f);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("PGHOST=", 0) == 0) return line.substr(7);
  }
  return "";
}

sql::Db connect() {
  auto db = sql::Db::connect_postgres(
      "postgres:host=" + test_cluster() + " dbname=postgres user=postgres", "test");
  REQUIRE(db);
  REQUIRE(db->postgres());
  return std::move(*db);
}

}  // namespace

TEST_CASE("postgres: typed parameters, ?N, NULL and bytea round trip") {
  if (test_cluster().empty()) {
    MESSAGE("no test cluster (SFCOHORT_TEST_PG): run by ctest as pg_unit");
    return;
  }
  sql::Db db = connect();
  REQUIRE(db.exec("CREATE TEMP TABLE t (s text, i bigint, d double precision, n text, b bytea)"));
  const std::string blob("\x00\x01\xff\x7f\x80", 5);
  auto ins = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)");
  REQUIRE(ins);
  ins->bind(1, "O'Brien ?1").bind(2, int64_t{-9007199254740993}).bind(3, 0.25);
  ins->bind_null(4).bind_blob(5, blob.data(), blob.size());
  REQUIRE(ins->run());
  CHECK(db.changes() == 1);
  // A second run is prepared on the server; the same answers.
  ins->bind(1, "second");
  REQUIRE(ins->run());
  auto st = db.prepare("SELECT s, i, d, n, b, '?1', i > ?1 FROM t ORDER BY s");
  REQUIRE(st);
  st->bind(1, int64_t{0});
  auto r = st->step();
  REQUIRE(r);
  REQUIRE(*r);
  CHECK(st->text(0) == "O'Brien ?1");
  CHECK(st->int64(1) == -9007199254740993);
  CHECK(st->real(2) == 0.25);
  CHECK(st->is_null(3));
  CHECK(!st->text_or_null(3));
  CHECK(std::string(st->blob(4)) == blob);
  CHECK(st->text(5) == "?1");  // quoted text is not a placeholder
  CHECK(st->int64(6) == 0);    // a boolean reads as 0 or 1
  REQUIRE(*st->step());
  CHECK(st->text(0) == "second");
  CHECK(!*st->step());
}

TEST_CASE("postgres: transactions roll back unless committed; a failed one commits nothing") {
  if (test_cluster().empty()) return;
  sql::Db db = connect();
  REQUIRE(db.exec("CREATE TEMP TABLE u (k bigint PRIMARY KEY)"));
  {
    auto tx = sql::Transaction::begin(db);
    REQUIRE(tx);
    CHECK(db.in_transaction());
    REQUIRE(db.exec("INSERT INTO u VALUES (1)"));
  }
  CHECK(!db.in_transaction());
  CHECK(*db.scalar_int("SELECT count(*) FROM u") == 0);
  {
    auto tx = sql::Transaction::begin(db);
    REQUIRE(tx);
    REQUIRE(db.exec("INSERT INTO u VALUES (1)"));
    auto dup = db.exec("INSERT INTO u VALUES (1)");
    REQUIRE(!dup);
    CHECK(dup.error().code == Errc::kInvalidInput);
    auto c = tx->commit();
    CHECK(!c);  // COMMIT of an aborted transaction rolled back
  }
  CHECK(*db.scalar_int("SELECT count(*) FROM u") == 0);
}

TEST_CASE("postgres: connection errors are environment errors naming no password") {
  auto bad = sql::Db::connect_postgres("postgresql://[oops", "postgresql://[oops");
  REQUIRE(!bad);
  CHECK(bad.error().code == Errc::kEnvironment);
  CHECK(!bad.error().hints.empty());
  auto down = sql::Db::connect_postgres("postgres:host=/nonexistent/socket dbname=x",
                                        "postgresql://u:secret@h/x");
  REQUIRE(!down);
  CHECK(down.error().code == Errc::kEnvironment);
  CHECK(down.error().message.find("secret") == std::string::npos);
}

TEST_CASE("postgres: COPY in (text, escaped) and out (binary, streamed); the before hook") {
  if (test_cluster().empty()) {
    MESSAGE("no test cluster (SFCOHORT_TEST_PG): run by ctest as pg_unit");
    return;
  }
  sql::Db db = connect();
  REQUIRE(db.exec("CREATE TEMP TABLE c (i bigint, s text, b bytea, f boolean, n integer)"));
  std::string rows;
  sql::copy_field(rows, "1", true);
  sql::copy_field(rows, "tab\there, new\nline, back\\slash");
  sql::copy_field(rows, "\\x00ff");
  sql::copy_field(rows, "t");
  sql::copy_null(rows);
  rows += '\n';
  for (int i = 2; i <= 3000; ++i) {
    sql::copy_field(rows, std::to_string(i), true);
    sql::copy_field(rows, "row " + std::to_string(i));
    sql::copy_null(rows);
    sql::copy_field(rows, "f");
    sql::copy_field(rows, std::to_string(-i));
    rows += '\n';
  }
  REQUIRE(db.copy_in("COPY c FROM STDIN", rows));
  int n = 0;
  int64_t sum = 0;
  REQUIRE(db.copy_out("SELECT i, s, b, f, n FROM c ORDER BY i", [&](const sql::CopyRow& r) {
    if (++n == 1) {
      CHECK(r.int64(0) == 1);
      CHECK(r.text_view(1) == "tab\there, new\nline, back\\slash");
      CHECK(r.blob(2) == std::string_view("\x00\xff", 2));
      CHECK(r.int64(3) == 1);
      CHECK(r.is_null(4));
    } else {
      CHECK(r.is_null(2));
      CHECK(r.int64(3) == 0);
      CHECK(r.int64(4) == -r.int64(0));
    }
    sum += r.int64(0);
    return true;
  }));
  CHECK(n == 3000);
  CHECK(sum == 3000 * 3001 / 2);
  // Stopped early, the rest is read and dropped: the connection goes on.
  n = 0;
  REQUIRE(db.copy_out("SELECT i FROM c ORDER BY i", [&](const sql::CopyRow&) { return ++n < 10; }));
  CHECK(n == 10);
  CHECK(db.scalar_int("SELECT count(*) FROM c").value() == 3000);
  // A query the server refuses is an error, and the connection goes on.
  CHECK_FALSE(db.copy_out("SELECT nothing FROM c", [](const sql::CopyRow&) { return true; }));
  CHECK_FALSE(db.copy_in("COPY c FROM STDIN", "not a number\tx\t\\N\tt\t1\n"));
  CHECK(db.scalar_int("SELECT count(*) FROM c").value() == 3000);
  // The hook runs once before each later statement, never within itself.
  int hooks = 0;
  db.conn().set_before_statement([&]() -> Status {
    ++hooks;
    return db.exec("INSERT INTO c(i) VALUES (0)");
  });
  CHECK(db.scalar_int("SELECT count(*) FROM c WHERE i = 0").value() == 1);
  CHECK(hooks == 1);
  db.conn().set_before_statement({});
  CHECK(db.scalar_int("SELECT count(*) FROM c WHERE i = 0").value() == 1);
  CHECK(hooks == 1);
}

TEST_CASE("copy rows: COPY's binary tuples read, malformed ones refused") {
  sql::CopyRow r;
  const std::string t(
      "\x00\x03\x00\x00\x00\x02hi\xff\xff\xff\xff\x00\x00\x00\x08"
      "\xff\xff\xff\xff\xff\xff\xff\xfe",
      26);
  REQUIRE(r.parse(t));
  CHECK(r.text_view(0) == "hi");
  CHECK(r.is_null(1));
  CHECK(r.int64(2) == -2);
  CHECK_FALSE(r.parse(t.substr(0, 20)));
  CHECK_FALSE(r.parse(std::string("\xff\xff", 2)));
}

TEST_CASE("postgres: copy_in_later sends in order while the caller goes on; errors come back") {
  if (test_cluster().empty()) {
    MESSAGE("no test cluster (SFCOHORT_TEST_PG): run by ctest as pg_unit");
    return;
  }
  sql::Db db = connect();
  REQUIRE(db.exec("CREATE TEMP TABLE p (i bigint PRIMARY KEY)"));
  REQUIRE(db.exec("CREATE TEMP TABLE q (i bigint REFERENCES p(i))"));
  auto rows = [](int from, int to) {
    std::string r;
    for (int i = from; i <= to; ++i) r += std::to_string(i) + "\n";
    return r;
  };
  // Two copies in one send: the second's foreign keys need the first's rows.
  sql::Conn::Copies copies;
  copies.emplace_back("COPY p FROM STDIN", rows(1, 20000));
  copies.emplace_back("COPY q FROM STDIN", rows(1, 20000));
  REQUIRE(db.copy_in_later(std::move(copies)));
  // The next statement waits for them and sees every row.
  CHECK(db.scalar_int("SELECT count(*) FROM q").value() == 20000);
  // A send the server refuses: the error is the next statement's, which
  // does not run; the one after it does.
  sql::Conn::Copies bad;
  bad.emplace_back("COPY p FROM STDIN", rows(19999, 20001));  // two already there
  REQUIRE(db.copy_in_later(std::move(bad)));
  auto refused = db.scalar_int("SELECT count(*) FROM p");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("duplicate key") != std::string::npos);
  CHECK(db.scalar_int("SELECT count(*) FROM p").value() == 20000);
  // In a transaction, a rollback waits for what is being sent and undoes it.
  REQUIRE(db.exec("BEGIN"));
  sql::Conn::Copies more;
  more.emplace_back("COPY p FROM STDIN", rows(30001, 60000));
  REQUIRE(db.copy_in_later(std::move(more)));
  REQUIRE(db.exec("ROLLBACK"));
  CHECK(db.scalar_int("SELECT count(*) FROM p").value() == 20000);
}

TEST_CASE("postgres: array literals quote texts and escape their quotes and backslashes") {
  CHECK(sql::array_literal(std::vector<int64_t>{}) == "{}");
  CHECK(sql::array_literal(std::vector<int64_t>{3, -1, 40}) == "{3,-1,40}");
  CHECK(sql::array_literal(std::vector<std::string>{"O'BRIEN", "A \"B\"", "C\\D", ""}) ==
        "{\"O'BRIEN\",\"A \\\"B\\\"\",\"C\\\\D\",\"\"}");
  if (test_cluster().empty()) return;
  // What the server reads back is each text as it was.
  sql::Db db = connect();
  const std::vector<std::string> names{"O'BRIEN", "A \"B\"", "C\\D", "{x,y}", ""};
  auto st = db.prepare("SELECT count(*) FROM unnest(?1::text[]) AS t(v) WHERE v = ANY(?2::text[])");
  REQUIRE(st);
  st->bind(1, sql::array_literal(names)).bind(2, sql::array_literal(names));
  REQUIRE(st->step().value());
  CHECK(st->int64(0) == 5);
}

#!/usr/bin/env bash
# sfcohort on PostgreSQL when the server goes away: the server restarted
# (pg_ctl restart -m fast) in the middle of an import, and stopped in the
# middle of another: each import fails cleanly (exit 3, one error line and a
# hint), the cohort is as before and the audit chain verifies; a connection
# lost in the middle of a batch lookup (its backend terminated) is an error
# (exit 3), never answers of `none`, and no results file is left. The test
# restarts a server, so it runs on a cluster of its own (tests/pg/cluster.sh)
# rather than the one the other suites share; it stops it however it ends.
set -u
: "${SRC:?SRC must name the source tree}"
own_env=$(mktemp "${TMPDIR:-/tmp}/sfcohort-pgfaults.XXXXXX")
bash "$SRC/tests/pg/cluster.sh" start "$own_env" || exit 1
export SFCOHORT_TEST_PG="$own_env"
source "$SRC/tests/cli/lib.sh"
trap 'bash "$SRC/tests/pg/cluster.sh" stop "$own_env"; rm -rf "$T"' EXIT
GEN="$(dirname "$SFCOHORT")/sfcohort-gen"
psql_q() { "$PG_BIN/psql" -X -q -At -d "$PG_DB" "$@"; }
# As the server's user (nobody under root), from a folder it may enter.
as_server() { (cd / && if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi); }
# The options cluster.sh starts the server with (restart reuses them itself).
PG_OPTS="-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off -c max_connections=200"
pg_ctl() { as_server "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 "$@" >/dev/null; }
# wait_for_write: until a client of the test's database is in a transaction
# that has written (the import is under way); fails after 60 s.
wait_for_write() {
  local i
  for i in $(seq 1 600); do
    [ "$(psql_q -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$PG_DB'
        AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")" -gt 0 ] && return 0
    sleep 0.1
  done
  return 1
}

"$GEN" cohort --people 3000 --seed 7 --out first.csv
"$GEN" cohort --people 60000 --seed 8 --out big.csv
expect_rc 0 "init" sf -q init
expect_rc 0 "first import" sf -q import first.csv
people=$(psql_q -c 'SELECT count(*) FROM sfcohort.person')
same "$people" 3000 "the first import"
before=$(db_sum)
entries=$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')

# The server restarted in the middle of an import.
sf -q import big.csv >"$T/imp.out" 2>"$T/imp.err" &
imp=$!
wait_for_write && ok || fail "the import never started writing"
pg_ctl restart -m fast
wait "$imp"
RC=$?
cp "$T/imp.out" "$T/out"
cp "$T/imp.err" "$T/err"
[ -n "${VERBOSE:-}" ] && cat "$T/err"
same "$RC" 3 "restart during an import: exit"
one_line_error "restart during an import"
has "lost the connection to the database server" err "restart during an import: named"
has "hint:" err "restart during an import: a hint"
same "$(db_sum)" "$before" "restart during an import: the cohort as before"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')" "$entries" "no audit entry for it"
expect_rc 0 "verify after the restart" sf audit verify
has "intact" out "verify after the restart"

# The server stopped in the middle of an import: the same; while it is
# down, commands say so; once it is back, the import runs whole.
sf -q import big.csv >"$T/imp.out" 2>"$T/imp.err" &
imp=$!
wait_for_write && ok || fail "the second import never started writing"
pg_ctl stop -m fast
wait "$imp"
RC=$?
cp "$T/imp.out" "$T/out"
cp "$T/imp.err" "$T/err"
same "$RC" 3 "stop during an import: exit"
one_line_error "stop during an import"
has "hint:" err "stop during an import: a hint"
expect_rc 3 "a lookup while the server is down" sf lookup --given A --surname B --dob 2000-01-01
one_line_error "server down"
has "server is running" err "server down: hint"
pg_ctl start -o "$PG_OPTS"
same "$(db_sum)" "$before" "stop during an import: the cohort as before"
expect_rc 0 "verify after the stop" sf audit verify
expect_rc 0 "the import once the server is back" sf -q import big.csv
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.person')" \
  "$(tail -q -n +2 first.csv big.csv | cut -d, -f2 | sort -u | wc -l)" "every person imported"

# A connection lost during a batch lookup: an error, not answers of none.
"$GEN" queries --cohort big.csv --n 40000 --seed 9 --out queries.csv
entries=$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')
# Small enough a batch to be answered by queries to the server, row by row;
# then large enough for the in-memory index, loaded from the server.
for rows in 300 40000; do
  head -n $((rows + 1)) queries.csv >q.csv
  rm -f results.csv
  sf -q lookup --batch q.csv --output results.csv >"$T/b.out" 2>"$T/b.err" &
  b=$!
  # Terminated once the batch has a second connection (its workers', or
  # the index's second reader): the batch is under way.
  for i in $(seq 1 400); do
    n=$(psql_q -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$PG_DB'
         AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
    [ "$n" -ge 2 ] && break
    sleep 0.02
  done
  psql_q -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = '$PG_DB' AND pid <> pg_backend_pid() AND backend_type = 'client backend'" >/dev/null
  wait "$b"
  RC=$?
  cp "$T/b.out" "$T/out"
  cp "$T/b.err" "$T/err"
  same "$RC" 3 "batch of $rows, connection lost: exit"
  one_line_error "batch of $rows, connection lost"
  has "connection" err "batch of $rows: the lost connection named"
  hasnt "FATAL" err "batch of $rows: no severity prefix"
  [ ! -e results.csv ] && ok || fail "batch of $rows: a results file was left"
  same "$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')" "$entries" "batch of $rows: no entry"
  [ -n "${VERBOSE:-}" ] && cat "$T/err"; :
done
expect_rc 0 "the batch once the connection is back" sf -q lookup --batch q.csv --output results.csv
expect_rc 0 "verify at the end" sf audit verify
has "intact" out "verify at the end"

finish

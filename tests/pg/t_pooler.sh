#!/usr/bin/env bash
# sfcohort through PgBouncer in session mode (tests/pg/pooler.sh), as a team
# may run it to spare each command the server's start of a session: init,
# import, admin grant, single and batch lookups and audit verify work
# through it; one server session serves one user's commands one after
# another (each command prepares its statements again: the pooler's DISCARD
# ALL dropped the last one's); the actor of each audit entry is still the
# user who ran it, so an officer's entry is never the owner's nor the
# owner's the officer's; the server still refuses an officer's import (exit
# 5); a batch answers as it does directly; the trail verifies. Run by ctest
# against tests/pg/cluster.sh's cluster.
source "$SRC/tests/cli/lib.sh"
[ -n "$PG_MODE" ] || { echo "t_pooler.sh: needs SFCOHORT_TEST_PG (a cluster)" >&2; exit 1; }
psql_q() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$PG_DB" "$@"; }

OFF=poff_$$
psql_q -c "CREATE ROLE $OFF LOGIN" >/dev/null
pool_env="$T/pool.env"
trap 'bash "$SRC/tests/pg/pooler.sh" stop "$pool_env"; "$PG_BIN/dropdb" --force "$PG_DB" >/dev/null 2>&1
  "$PG_BIN/psql" -X -q -d postgres -c "DROP ROLE IF EXISTS $OFF" >/dev/null 2>&1; rm -rf "$T"' EXIT
bash "$SRC/tests/pg/pooler.sh" start "$pool_env" "$SFCOHORT_TEST_PG" "$OFF" || exit 1
# shellcheck disable=SC1090
. "$pool_env"
DIRECT=$SFCOHORT_DB
export SFCOHORT_DB="postgresql:///$PG_DB?$POOL_URI_HOST"

cat >people.csv <<'CSV'
family_id,person_id,given_name,surname,dob,postcode,house
F000123,P0004812,Jonathan,Smith,2009-03-14,HD1 2AB,12
F000123,P0004813,Jonathon,Smith,2009-03-14,HD1 2AB,12
F000124,P0004815,Katarzyna,Nowak,1990-11-03,LS11 6AD,"Flat 3, 12"
CSV

expect_rc 0 "init through the pooler" sf init
has "created postgresql:///$PG_DB?host=" out "init names the database"
expect_rc 0 "import through the pooler" sf -q import people.csv
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.person')" 3 "people on the server"

# The pool keeps the owner's server session between commands: the three
# lookups are answered by one server process, reset between them.
session() {
  psql_q -c "SELECT pid || ' ' || backend_start FROM pg_stat_activity
             WHERE datname = current_database() AND usename = 'postgres' AND pid <> pg_backend_pid()"
}
expect_rc 0 "lookup 1" sf lookup --given Jon --surname smith --dob 14/3/2009 --postcode hd12ab --house 12
has "P0004812" out "lookup 1 answers"
first=$(session)
[ -n "$first" ] && [ "$(printf '%s\n' "$first" | wc -l)" -eq 1 ] && ok ||
  fail "one pooled server session after a command, found: '$first'"
for i in 2 3; do
  expect_rc 0 "lookup $i" sf lookup --given Katarzyna --surname Nowak --dob 1990-11-03
  has "P0004815" out "lookup $i answers in a reused session"
done
same "$(session)" "$first" "the same server session served every lookup"

# An officer through the same pooler: their own pool, their own session.
expect_rc 0 "grant officer" sf admin grant "$OFF" --role officer
as_off() { SFCOHORT_DB="postgresql://$OFF@/$PG_DB?$POOL_URI_HOST" "$SFCOHORT" "$@"; }
expect_rc 0 "an officer looks up through the pooler" as_off lookup --given Jonathan --surname Smith --dob 2009-03-14
has "P0004812" out "the officer's answer"
# Each lookup's entry names who ran it: the owner's three, then the officer's.
same "$(psql_q -c "SELECT string_agg(actor, ' ' ORDER BY seq) FROM sfcohort.audit WHERE command = 'lookup'")" \
  "postgres postgres postgres $OFF" "each lookup's entry is its own user's"
n=$(psql_q -c 'SELECT count(*) FROM sfcohort.person')
expect_rc 5 "an officer's import is refused by the server" as_off -q import people.csv
has "permission denied" err "the server's refusal"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.person')" "$n" "nothing written"

# A batch through the pooler answers as one made directly.
cat >batch.csv <<'CSV'
query_id,given_name,surname,dob,postcode,house
1,Jon,Smith,2009-03-14,HD1 2AB,12
2,Katarzyna,Nowak,1990-11-03,LS11 6AD,"Flat 3, 12"
3,Bob,Jones,1970-01-01,HD1 2AB,
4,Jonathan,Smith,not a date,HD1 2AB,12
CSV
expect_rc 0 "a batch through the pooler" sf -q lookup --batch batch.csv --output pooled.csv
expect_rc 0 "the same batch directly" env SFCOHORT_DB="$DIRECT" "$SFCOHORT" -q lookup --batch batch.csv --output direct.csv
cmp -s pooled.csv direct.csv && ok || fail "a batch through the pooler answered differently"
has "error" pooled.csv "the bad row is an error, not an answer"

expect_rc 0 "verify through the pooler" sf audit verify
has "intact" out "the trail verifies"

finish

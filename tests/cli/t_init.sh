#!/usr/bin/env bash
# Schema migrations: an older database is upgraded on open with its data
# kept; a newer one is refused; init is idempotent.
source "$SRC/tests/cli/lib.sh"

# The highest migration number (numbers may have gaps while branches meet).
latest=$(ls "$SRC"/schema/ | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p' | sort -n | tail -1)
expect_rc 0 "init" sf init
expect_output init-new
if on_sqlite; then
  same "$(sqlite3 "$SFCOHORT_DB" 'PRAGMA user_version')" "$latest" "a new database has every migration"
  same "$(sqlite3 "$SFCOHORT_DB" 'PRAGMA journal_mode')" "wal" "WAL journal"
  same "$(sqlite3 "$SFCOHORT_DB" 'PRAGMA application_id')" "1397113672" "application id marks it as ours"
else
  pg_latest=$(ls "$SRC"/schema/pg/ | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p' | sort -n | tail -1)
  same "$pg_latest" "$latest" "both backends' schema versions are the same"
  same "$(db_query 'SELECT version FROM schema_version')" "$pg_latest" "a new database has every migration"
fi

if ! on_sqlite; then
  # On PostgreSQL: init again is up to date; a newer schema is refused.
  expect_rc 0 "init again" sf init
  has "up to date" out "init reports up to date"
  db_query "UPDATE schema_version SET version = $((latest + 1))"
  expect_rc 3 "a newer database is refused" sf lookup --surname x
  has "newer than this sfcohort understands" err "newer message"
  finish
  exit
fi
# A database at schema version 1, as the first release made it.
rm -f old.db
sqlite3 old.db < "$SRC/schema/0001_init.sql"
sqlite3 old.db "PRAGMA user_version = 1; PRAGMA application_id = 1397113672;
  INSERT INTO meta VALUES ('database_id', '00112233445566778899aabbccddeeff');
  INSERT INTO family(id, created_at, updated_at) VALUES ('F1', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z');
  INSERT INTO person(id, family_id, given_name, surname, dob, role, created_at, updated_at)
    VALUES ('P1', 'F1', 'Siobhan', 'O''Brien', '1990-01-01', 'adult', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z');"
chmod 600 old.db
expect_rc 0 "an old database is upgraded on open" sf --db old.db lookup --given Siobhan --surname OBrien --dob 1990-01-01
same "$(sqlite3 old.db 'PRAGMA user_version')" "$latest" "upgraded to the latest version"
same "$(sqlite3 old.db "select given_name || ' ' || surname from person where id = 'P1'")" "Siobhan O'Brien" "data kept"
has "P1" out "the upgraded database finds its people"
expect_rc 0 "init on the upgraded database" sf --db old.db init
has "up to date" out "init reports up to date"
expect_output init-up-to-date

# init itself says what it upgraded (migration 16 changes nothing in a
# file, so it is applied again here).
sqlite3 old.db "PRAGMA user_version = $((latest - 1))"
expect_rc 0 "init upgrades" sf --db old.db init
same "$(cat "$T/out")" "upgraded old.db from schema version $((latest - 1)) to $latest" "init says it upgraded"
expect_rc 0 "the trail of the upgrade" sf --db old.db audit --action init --format json
has "\"upgraded_from\": $((latest - 1))" out "the upgrade audited"

# A mistyped connection string is an error, never an SQLite file's name;
# nothing written, not even the audit key.
expect_rc 3 "a mistyped scheme" env SFCOHORT_KEYS="$PWD/typo-keys" "$SFCOHORT" --db "postgressql://u@/cohort" init
one_line_error "a mistyped scheme"
has "not a database sfcohort knows" err "the scheme refused"
[ ! -e typo-keys ] && [ ! -e "postgressql:" ] && ok || fail "a mistyped scheme left files"

sqlite3 old.db "PRAGMA user_version = $((latest + 1))"
expect_rc 3 "a newer database is refused" sf --db old.db lookup --surname x
has "newer than this sfcohort understands" err "newer message"
expect_output init-newer-refused
finish

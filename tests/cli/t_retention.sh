#!/usr/bin/env bash
# Retention and disposal: the schedule is data, `retention` lists what is
# due, `--apply` deletes it in one transaction leaving one audit entry, the
# trail still verifies, and the deleted names are gone from the file (on
# SQLite; on PostgreSQL the tables are vacuumed and a note says what copies
# remain).
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-01-15

sf init >/dev/null
sf import "$SRC/examples/cohort.csv" >/dev/null
sf lookup --batch "$SRC/examples/roll.csv" --output batch.csv 2>/dev/null
sf family close F000123 --reason "stepped down" --on 2025-12-31 --outcome stepped_down >/dev/null
sf family close F000124 --reason "left the area" --on 2026-01-10 >/dev/null
# A nomination rejected today: due a year on.
sf nominate submit "$SRC/examples/nomination-troubled-families-2015.json" >/dev/null 2>&1
sf nominate decide N000001 --reject --reason "not eligible" >/dev/null 2>&1 || fail "reject"
# Partners' feed rows naming F000123's people: one attached, one a possible
# match waiting for review, which keeps the name as the partner spelt it.
cat >feed.csv <<'CSV'
Forename,Surname,DOB,Postcode,House,Date
Michelle,Smith,21/07/1983,HD1 2AB,12,2025-12-01
Jonathan,Smyth,13/03/2009,HD2 1AA,3,2025-12-02
CSV
sf evidence import feed.csv --indicator asb_recorded --source "ASB Team" >/dev/null 2>&1 ||
  fail "evidence import"
same "$(db_query "SELECT state FROM evidence WHERE person_id IN ('P0004810', 'P0004812') ORDER BY state" | paste -sd,)" \
  "attached,review" "the feed's rows name F000123's people"

expect_rc 0 "schedule" sf retention schedule
expect_output retention-schedule

# Bad input: one line, exit 2, nothing written.
before=$(db_sum)
expect_rc 2 "unknown class" sf retention set everything "1 year"
has "'everything' is not a retention class" err "class named"
one_line_error "unknown class"
expect_rc 2 "bad duration" sf retention set closed_family "six years"
has "'six years' is not a retention period" err "duration named"
one_line_error "bad duration"
expect_rc 2 "too long" sf retention set closed_family "200 years"
expect_rc 2 "bad date" sf retention --as-of 31/02/2030
has "is not a date" err "date named"
one_line_error "bad date"
expect_rc 2 "future as-of" sf retention --apply --as-of 2026-02-01
has "is in the future" err "future named"
one_line_error "future as-of"
same "$(db_sum)" "$before" "bad input writes nothing"

# Nothing is due yet.
expect_rc 0 "nothing due" sf retention
expect_output retention-none

# Six years on (today moved), F000123 is due, F000124 not yet.
export SFCOHORT_TODAY=2032-01-05
expect_rc 0 "due" sf retention
expect_output retention-due
expect_rc 0 "due json" sf retention --format json
has '"F000123"' out "json names the family"
hasnt '"F000124"' out "json leaves the family closed later"
same "$(db_sum)" "$before" "listing writes nothing"

# An override takes effect.
expect_rc 0 "set" sf retention set closed_family "7 years"
expect_output retention-set
expect_rc 0 "nothing due under 7 years" sf retention
has "0 families" out "none due under 7 years"
sf retention set closed_family "6 years" >/dev/null

if on_sqlite; then
  grep -c "Jonathan" "$SFCOHORT_DB" >/dev/null && ok || fail "the name is in the file before"
fi
disclosed=$(db_query "SELECT count(*) FROM disclosure WHERE family_id = 'F000123'")
[ "$disclosed" -gt 0 ] && ok || fail "the family's disclosures are recorded before"
expect_rc 0 "apply" sf retention --apply
expect_output retention-apply
expect_rc 0 "verify after" sf audit verify
has "intact" out "the chain verifies without the rows"
expect_rc 2 "the person is gone" sf person show P0004812
expect_rc 2 "the family is gone" sf family show F000123
expect_rc 0 "others stay" sf person show P0004820
same "$(db_query "SELECT count(*) FROM disclosure WHERE family_id = 'F000123'")" 0 "disclosures gone"
same "$(db_query "SELECT sum(people) FROM disclosure_disposed")" "$disclosed" "their digest kept"
same "$(db_query "SELECT count(*) FROM family_status WHERE family_id = 'F000123'")" 0 "status history gone"
same "$(db_query "SELECT count(*) FROM evidence")" 0 \
  "the feed's rows about them gone, attached and in review"
same "$(db_query "SELECT count(*) FROM name_freq WHERE name = 'JONATHAN'")" 0 "name count gone"
expect_rc 1 "not found by a lookup" sf lookup --given Jonathan --surname Smith --dob 14/03/2009
if on_sqlite; then
  for name in Jonathan Michelle Smyth "stepped down"; do
    if grep -qa "$name" "$SFCOHORT_DB" "$SFCOHORT_DB-wal" 2>/dev/null; then
      fail "'$name' is still in the database file's bytes"
    else
      ok
    fi
  done
else
  # The owner ran it: the tables were vacuumed (no dead row left in them).
  same "$(db_query "SELECT count(*) FROM pg_catalog.pg_stat_user_tables WHERE schemaname = 'sfcohort'
    AND relname IN ('person', 'family') AND last_vacuum IS NOT NULL")" 2 "the tables vacuumed"
fi
expect_rc 0 "audit entry" sf audit --action retention --format json
has '"families": [' out "the entry lists the families"
has '"F000123"' out "by id"
has '"people": 4' out "with counts"
has '"N000001"' out "and the rejected nomination"
same "$(db_query "SELECT count(*) FROM nomination")" 0 "the nomination is gone"
expect_rc 0 "again: nothing" sf retention --apply
has "deleted 0 people" out "nothing left to dispose of"
same "$(cat "$T/err")" "" "nothing deleted: no note about copies"
expect_rc 0 "verify again" sf audit verify

# A disposed digest altered (as a database's owner could): verify finds it.
db_query "UPDATE disclosure_disposed SET digest = CASE WHEN digest LIKE '00%' THEN 'ff' ELSE '00' END || substr(digest, 3)" >/dev/null
expect_rc 1 "verify after a disposed digest is altered" sf audit verify
has "have been altered" err "the altered digest named"

finish

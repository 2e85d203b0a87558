#!/usr/bin/env bash
# Subject access: every lookup, export and sealed reply records whom it
# returned or disclosed (covered by the audit chain), `sar` gathers all that
# is held about one person, and `audit --person/--family` filters the trail.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-01-15

sf init >/dev/null
sf import "$SRC/examples/cohort.csv" >/dev/null

# Bad input: one line, exit 2, nothing written.
before=$(db_sum)
expect_rc 2 "unknown person" sf sar P9999999
has "no person 'P9999999'" err "unknown person named"
one_line_error "unknown person"
expect_rc 2 "bad format" sf sar P0004812 --format xml
one_line_error "bad format"
expect_rc 2 "bad audit date" sf audit --person P0004812 --since 31/02/2025
has "is not a date" err "bad date named"
same "$(db_sum)" "$before" "bad input writes nothing"
[ ! -e sar.txt ] && ok || fail "no file left by a refused sar"

# Disclosures: a single lookup, a batch, an export to a file and one cut
# short by head, a sealed reply to a partner.
sf lookup --given Jon --surname Smith --dob 14/03/2009 >/dev/null 2>&1
sf lookup --batch "$SRC/examples/roll.csv" --output batch.csv 2>/dev/null
sf export --plaintext --output all.csv >/dev/null
sf export --plaintext | head -n 2 >/dev/null
sf share keygen >/dev/null 2>&1
mkdir partner
age-keygen -o partner/age.key 2>/dev/null
sf share partner add "West Yorkshire Police" --recipient "$(age-keygen -y partner/age.key)" \
  --agreement isa=2024-01-01 --agreement dsp=2024-01-01 --agreement mou=2024-01-01 >/dev/null
sf lookup --batch "$SRC/examples/roll.csv" --to "West Yorkshire Police" --output reply.csv.age 2>/dev/null
same "$(db_query "SELECT count(*) FROM disclosure WHERE person_id = 'P0004812'")" 6 \
  "six disclosure rows for Jon: lookup, batch, two exports, the reply's batch and the reply"
same "$(db_query "SELECT partner FROM disclosure WHERE person_id = 'P0004812' AND partner <> ''")" \
  "West Yorkshire Police" "the reply's row names the partner"
same "$(db_query "SELECT count(*) FROM disclosure WHERE person_id = 'P0004899'")" 0 \
  "no one else's rows under a person not in the cohort"
expect_rc 0 "export cut short is audited" sf audit --action export --format json
has '"output": "-"' out "the export to a pipe left its entry"

# The subject access request itself.
expect_rc 0 "sar to a file" sf sar P0004812 --output sar.txt
expect_output sar-note
expect_file sar-text.txt sar.txt
same "$(stat -c %a sar.txt)" 600 "the file is private"
expect_rc 0 "sar json" sf sar P0004812 --format json
expect_output sar-json
hasnt "P0004810" out "no other member's id"
hasnt "Michelle" out "no other member's name"
expect_rc 0 "the sar is audited" sf audit --action sar
has 'mode=sar' out "sar entry"

# Filters.
expect_rc 0 "audit --person" sf audit --person P0004812
grep -v '^       system user: ' out >out.kept && mv out.kept out  # whoever runs the tests
expect_output sar-audit-person
expect_rc 0 "audit --family" sf audit --family F000123 --action export
has "10 families" out "an export naming the family"
expect_rc 0 "audit --person nobody" sf audit --person P0000001
has "no audit entries" err "nothing about an id no entry names"

# The chain covers the rows: one removed, added or changed is found.
expect_rc 0 "verify" sf audit verify
if on_sqlite; then
  cp "$SFCOHORT_DB" saved.db
  sqlite3 "$SFCOHORT_DB" "DELETE FROM disclosure WHERE person_id = 'P0004812' AND partner <> ''"
  expect_rc 1 "verify, a row removed" sf audit verify
  has "disclosure rows of entry" out "names the entry"
  cp saved.db "$SFCOHORT_DB"
  sqlite3 "$SFCOHORT_DB" "INSERT INTO disclosure VALUES ('P0004810', 3, '', 'F000123')"
  expect_rc 1 "verify, a row added" sf audit verify
  cp saved.db "$SFCOHORT_DB"
  sqlite3 "$SFCOHORT_DB" "UPDATE disclosure SET partner = 'Someone Else' WHERE partner <> ''"
  expect_rc 1 "verify, a partner changed" sf audit verify
  cp saved.db "$SFCOHORT_DB"
else
  # On PostgreSQL the server recorded each entry's count and keyed digest
  # (schema/pg/0013); the owner alters the rows here.
  row=$(db_query "SELECT person_id, audit_seq, partner, family_id FROM disclosure
    WHERE person_id = 'P0004812' AND partner <> ''")
  IFS='|' read -r r_person r_seq r_partner r_family <<<"$row"
  db_query "DELETE FROM disclosure WHERE person_id = 'P0004812' AND partner <> ''"
  expect_rc 1 "verify, a row removed" sf audit verify
  has "disclosure rows of entry" out "names the entry"
  db_query "INSERT INTO disclosure VALUES ('$r_person', $r_seq, '$r_partner', '$r_family')"
  db_query "INSERT INTO disclosure VALUES ('P0004810', $r_seq, '', 'F000123')"
  expect_rc 1 "verify, a row added" sf audit verify
  db_query "DELETE FROM disclosure WHERE person_id = 'P0004810' AND audit_seq = $r_seq"
  db_query "UPDATE disclosure SET partner = 'Someone Else' WHERE partner <> ''"
  expect_rc 1 "verify, a partner changed" sf audit verify
  has "disclosure rows of entry $r_seq" out "names the entry"
  db_query "UPDATE disclosure SET partner = '$r_partner' WHERE partner = 'Someone Else'"
fi
expect_rc 0 "verify restored" sf audit verify

finish

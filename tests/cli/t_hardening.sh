#!/usr/bin/env bash
# The low-severity exposures of the security review (issue 15): folders made
# under umask 000, wide permissions on the database and key files, a key file
# asking for unbounded scrypt work, a failed write of the audit head, a
# database id that is not hex, and a number no double holds in a JSON input.
# On PostgreSQL the database, its audit key and head are the server's: the
# checks of the key folder, the database id and JSON inputs run there too.
source "$SRC/tests/cli/lib.sh"

printf 'family_id,given_name,surname,dob\nF1,Amy,Khan,2010-05-05\n' >p.csv

# umask 000: every folder made on the way to the key folder is owner-only.
export SFCOHORT_KEYS="$T/a/b/keys"
# (On PostgreSQL init makes no key folder: keygen does.)
(umask 000 && sf init) >/dev/null 2>&1 && ok || fail "init under umask 000"
(umask 000 && sf share keygen) >/dev/null 2>&1 && ok || fail "keygen under umask 000"
same "$(stat -c %a "$T/a")" "700" "a parent of the key folder made under umask 000"
same "$(stat -c %a "$T/a/b")" "700" "the key folder's parent made under umask 000"
same "$(stat -c %a "$SFCOHORT_KEYS")" "700" "the key folder under umask 000"
if on_sqlite; then
  same "$(stat -c %a "$SFCOHORT_KEYS/audit.key")" "600" "the audit key under umask 000"
  same "$(stat -c %a "$SFCOHORT_DB")" "600" "the database under umask 000"
fi
same "$(stat -c %a "$SFCOHORT_KEYS/age.key")" "600" "age.key under umask 000"
same "$(stat -c %a "$SFCOHORT_KEYS/minisign.key")" "600" "minisign.key under umask 000"

if on_sqlite; then
  # A database every user of the machine can read is refused (exit 3); a
  # group (the team) may share it.
  chmod 660 "$SFCOHORT_DB"
  expect_rc 0 "a group-shared database is used" sf import p.csv
  chmod 604 "$SFCOHORT_DB"
  before=$(db_sum)
  expect_rc 3 "a world-readable database" sf import p.csv
  one_line_error "world-readable database"
  has "the database is open to every user of this machine (mode 604)" err "the database's mode named"
  has "chmod 600 $SFCOHORT_DB" err "the hint restricts it"
  same "$(db_sum)" "$before" "nothing written to the exposed database"
  expect_rc 3 "audit verify of a world-readable database" sf audit verify
  chmod 606 "$SFCOHORT_DB"
  expect_rc 3 "a world-writable database" sf audit
  chmod 600 "$SFCOHORT_DB"
fi

# Secret keys readable by anyone but their owner are refused.
for f in age.key minisign.key; do
  chmod 640 "$SFCOHORT_KEYS/$f"
done
if on_sqlite; then
  chmod 640 "$SFCOHORT_KEYS/audit.key"
  expect_rc 3 "a group-readable audit key" sf import p.csv
  has "audit.key: the audit key is open to other users (mode 640)" err "the audit key's mode named"
  has "chmod 600 $SFCOHORT_KEYS/audit.key" err "the hint restricts the audit key"
  chmod 600 "$SFCOHORT_KEYS/audit.key"
fi
age -r "$(sf share pubkey | head -n 1)" -o in.age p.csv
expect_rc 3 "a group-readable age key" sf share open in.age --no-verify --output opened.csv
has "age.key: the team's secret key is open to other users (mode 640)" err "age.key's mode named"
[ ! -e opened.csv ] && ok || fail "a refused open wrote the file"
chmod 600 "$SFCOHORT_KEYS/age.key"
expect_rc 0 "open with the key restricted" sf share open in.age --no-verify --output opened.csv
sf share partner add P --recipient "$(age-keygen -y "$SFCOHORT_KEYS/age.key")" \
  --agreement isa=2020-01-01 --agreement dsp=2020-01-01 --agreement mou=2020-01-01 >/dev/null 2>&1
expect_rc 3 "a group-readable signing key" sf share seal p.csv --to P
has "minisign.key: the team's secret key is open to other users (mode 640)" err "minisign.key's mode named"
[ ! -e p.csv.age ] && ok || fail "a refused seal left a file"
chmod 600 "$SFCOHORT_KEYS/minisign.key"
expect_rc 0 "seal with the keys restricted" sf share seal p.csv --to P

# A failed write of the audit head is an error, not silence (SQLite: on
# PostgreSQL the head is the server's).
if on_sqlite; then
  head_file=$(ls "$SFCOHORT_KEYS"/audit-*.head)
  rm "$head_file" && mkdir "$head_file"
  expect_rc 3 "the audit head cannot be written" sf import p.csv --as "A Officer"
  has "the change was saved, but the audit head $head_file could not be written" err "head failure reported"
  has "then run 'sfcohort audit verify'" err "head failure hint"
  rmdir "$head_file"
  expect_rc 1 "verify then reports the missing head" sf audit verify
  has "head file" err "the missing head named"
  sf init --db "$T/other.db" >/dev/null 2>&1
  export SFCOHORT_DB="$T/other.db"
fi

# A database id that is not hex names no file: refused.
db_query "UPDATE meta SET value = '../../evil' WHERE key = 'database_id'"
expect_rc 3 "a database id that is not hex" sf audit verify
one_line_error "database id not hex"
has "the database's id '../../evil' is not the 32 hex digits sfcohort made" err "the id named"
[ ! -e "$T/evil.head" ] && [ ! -e "$T/a/evil.head" ] && ok || fail "a head file named by the id"
db_query "UPDATE meta SET value = 'ABCDEF0123456789ABCDEF0123456789' WHERE key = 'database_id'"
expect_rc 3 "an upper-case id" sf import p.csv

# A number no double holds in a nomination or criteria file: exit 2, named.
printf '{"a":1e309}\n' >big.json
expect_rc 2 "1e309 in a nomination" sf check big.json
one_line_error "1e309 in a nomination"
has "big.json: not valid JSON: number overflow parsing '1e309'" err "nomination overflow named"
expect_rc 2 "1e309 in a criteria file" sf check "$SRC/examples/nomination-kirklees-2015.json" --criteria big.json
has "big.json: not valid JSON: number overflow" err "criteria overflow named"
finish

#!/usr/bin/env bash
# sfcohort init and import, end to end: good files, every kind of bad input,
# and the promise that a failed import leaves the database exactly as before.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-01-15 SFCOHORT_BUSY_TIMEOUT_MS=300

expect_rc 0 "init creates the database" sf init
has "created" out "init"
expect_output import-init
if on_sqlite; then
  same "$(stat -c %a "$SFCOHORT_DB")" "600" "database is owner-only"
  same "$(stat -c %a "$SFCOHORT_KEYS")" "700" "key folder is owner-only"
  same "$(stat -c %a "$SFCOHORT_KEYS/audit.key")" "600" "audit key is owner-only"
fi
expect_rc 0 "init again is harmless" sf init
has "up to date" out "second init"

cat > people.csv <<'CSV'
family_id,person_id,given_name,middle_names,surname,sex,dob,postcode,house,address,role,joined_on,school
F1,,Sarah,Jane,Hirst,F,02/04/1985,hd12ab,12,"12 Example Street,
Huddersfield",,2018-05-01,
F1,,Liam,,Hirst,M,2012-09-12,HD1 2AB,12,,,,Almondbury
F2,P9,Zoë,,O'Brien,f,1.2.1990,WF13 1AA,"Flat 3, 12",,adult,,
F2,,Łukasz,,Smith-Jones,M,01-02-2015,wf131aa,Rose Cottage,,,,
F3,,Tom,,de la Cruz,,2001-01-01,,,,,,
CSV
expect_rc 0 "a good file imports" sf import people.csv
has "read 5 rows: 5 imported, 0 updated, 0 unchanged, 0 rejected" out "counts"
expect_output import-good
same "$(db_query "select count(*) from person")" "5" "five people stored"
same "$(db_query "select count(*) from family")" "3" "three families"
# The first load runs under a rollback journal, and leaves the database in
# WAL mode with no journal behind and the audit head up to date.
if on_sqlite; then
  same "$(sqlite3 "$SFCOHORT_DB" 'PRAGMA journal_mode')" "wal" "back in WAL mode after the first import"
  [ ! -e "$SFCOHORT_DB-journal" ] && ok || fail "rollback journal left behind"
fi
expect_rc 0 "the first import's audit entry is in the head file" sf audit verify
on_sqlite && { has "chain and head verified" out "head verified after the first import"; }
hasnt "interrupted" out "no head lag after the first import"
if on_sqlite; then
  sfcohort_db_saved=$SFCOHORT_DB
  export SFCOHORT_DB="$T/first.db"
  "$SFCOHORT" -q init >/dev/null
fi
printf 'family_id,surname,dob\nF1,Smith,2010-01-01\nF2,Jones,31/02/2010\n' > firstbad.csv
if on_sqlite; then
  expect_rc 2 "a first load with a bad row" sf import firstbad.csv
  same "$(sqlite3 "$SFCOHORT_DB" 'PRAGMA journal_mode')" "wal" "back in WAL mode after a failed first import"
  same "$(sqlite3 "$SFCOHORT_DB" 'SELECT count(*) FROM person')" "0" "failed first import wrote nothing"
  export SFCOHORT_DB=$sfcohort_db_saved
fi
same "$(db_query "select surname from person where id='P9'")" "O'Brien" "apostrophe kept"
same "$(db_query "select given_name from person where id='P9'")" "Zoë" "accent kept"
same "$(db_query "select given_name||'|'||surname||'|'||dob||'|'||postcode||'|'||role from person where surname='Smith-Jones'")" \
  "Łukasz|Smith-Jones|2015-02-01|WF13 1AA|child" "hyphen, Ł, date and postcode normalised, role from age"
same "$(db_query "select dob||'|'||postcode||'|'||role from person where given_name='Sarah'")" \
  "1985-04-02|HD1 2AB|adult" "dd/mm/yyyy and postcode without space"
same "$(db_query "select address from person where given_name='Sarah'")" \
  "12 Example Street, Huddersfield" "quoted newline folded into one line"
same "$(db_query "select extra from person where given_name='Liam'")" '{"school":"Almondbury"}' "unknown column kept"
same "$(db_query "select postcode from person where surname='de la Cruz'")" "" "no fixed abode allowed"

before=$(db_sum)
expect_rc 0 "re-import changes nothing" sf import people.csv
has "0 imported, 0 updated, 5 unchanged" out "re-import counts"
expect_output import-again
same "$(db_query "select count(*) from person")" "5" "no duplicates"

sed 's/^F2,P9,Zoë,,O.Brien,f,1.2.1990,WF13 1AA/F2,P9,Zoë,,Murphy,f,1.2.1990,WF13 1AA/' people.csv > changed.csv
expect_rc 0 "a known person_id updates" sf import changed.csv
has "1 updated" out "update count"
expect_output import-update
same "$(db_query "select surname from person where id='P9'")" "Murphy" "surname updated"
# Every command checkpoints as it ends: the write-ahead log is left empty and
# a copy of the database file alone holds everything (a full backup).
if on_sqlite; then
  same "$(stat -c %s "$SFCOHORT_DB-wal" 2>/dev/null || echo 0)" "0" "write-ahead log emptied at exit"
  cp "$SFCOHORT_DB" "$T/copy.db"
  same "$(sqlite3 "$T/copy.db" "select surname from person where id='P9'")" "Murphy" "a copy of the database file alone is complete"
fi

# Header aliases, CRLF, a byte-order mark and Windows-1252 (Zoë as 0xEB).
printf '\xef\xbb\xbfFamily ID,Forename,Last Name,Date of Birth,Post Code,House Number\r\nF7,Amy,Khan,2010-05-05,BD19 3AB,4\r\n' > aliases.csv
expect_rc 0 "aliases, CRLF and BOM" sf import aliases.csv
same "$(db_query "select given_name||' '||surname||' '||house from person where family_id='F7'")" "Amy Khan 4" "aliased columns"
printf 'family_id,given_name,surname,dob\nF8,Zo\xeb,Bront\xeb,2011-03-03\n' > excel.csv
expect_rc 0 "Windows-1252 from Excel" sf import excel.csv
same "$(db_query "select given_name||' '||surname from person where family_id='F8'")" "Zoë Brontë" "cp1252 decoded"

# Bad input: exit 2, one line per bad row, and nothing written.
before=$(db_sum)
bad() {  # bad DESCRIPTION EXPECTED-TEXT CSV-CONTENT
  printf '%b' "$3" > bad.csv
  expect_rc 2 "$1" sf import bad.csv
  has "$2" err "$1"
  same "$(db_sum)" "$before" "$1: database unchanged"
}
bad "impossible date" "bad.csv: row 2: dob '31/02/2010' is not a date" 'family_id,surname,dob\nF9,Smith,31/02/2010\n'
bad "two-digit year" "row 2: dob '1/2/10' has a two-digit year" 'family_id,surname,dob\nF9,Smith,1/2/10\n'
bad "month first" "row 2: dob '12/31/2010' is not a date" 'family_id,surname,dob\nF9,Smith,12/31/2010\n'
bad "future dob" "is in the future" 'family_id,surname,dob\nF9,Smith,2030-01-01\n'
bad "invalid postcode" "row 2: postcode 'HD1 2CC' is not a valid UK postcode" 'family_id,surname,dob,postcode\nF9,Smith,2010-01-01,HD1 2CC\n'
bad "letters and digits are not a postcode" "postcode 'QQ1 1AA' is not a valid UK postcode" 'family_id,surname,dob,postcode\nF9,Smith,2010-01-01,QQ1 1AA\n'
bad "empty surname" "row 3: surname is empty" 'family_id,surname,dob\nF9,Smith,2010-01-01\nF9, ,2010-01-01\n'
bad "ragged row" "row 2: has 2 fields, the header has 3" 'family_id,surname,dob\nF9,Smith\n'
bad "missing column" "bad.csv: header: no column for dob among 'family_id', 'surname'" 'family_id,surname\nF9,Smith\n'
expect_output import-missing-column
bad "bad sex" "sex 'Q' is not M, F, X, U or empty" 'family_id,surname,dob,sex\nF9,Smith,2010-01-01,Q\n'
bad "bad role" "role 'parent' is not adult or child" 'family_id,surname,dob,role\nF9,Smith,2010-01-01,parent\n'
bad "unclosed quote" "a quoted field is not closed" 'family_id,surname,dob\nF9,"Smith,2010-01-01\n'
bad "empty file" "the file is empty" ''
bad "duplicate column" "the columns 'surname' and 'Surname' both give surname" 'family_id,surname,dob,Surname\nF9,a,2010-01-01,b\n'
bad "duplicate extra column" "appears twice" 'family_id,surname,dob,note,Note\nF9,a,2010-01-01,b,c\n'
one_line_error "one bad row, one error line"
# Deterministic binary inputs: the start of our own executable, a zip
# (what an .xlsx workbook is), gzip, and text with a stray control byte.
head -c 4000 "$SFCOHORT" > bad.bin
expect_rc 2 "binary file" sf import bad.bin
has "bad.bin: holds binary data, not text (is this a CSV file?)" err "binary file message"
expect_output import-binary
one_line_error "binary file, one error line"
same "$(db_sum)" "$before" "binary: database unchanged"
mkdir -p adir
expect_rc 3 "a directory" sf import adir
has "adir: is a directory, not a CSV file" err "directory message"
one_line_error "a directory, one error line"
printf 'PK\003\004\024\000\006\000' > roll.csv
expect_rc 2 "a workbook saved as .csv" sf import roll.csv
has "roll.csv: a damaged workbook: not a readable zip file" err "workbook message"
printf 'family_id,surname,dob\nF9,Ab,2010-01-01\n' | gzip -c > roll.csv
expect_rc 2 "gzip file" sf import roll.csv
has "roll.csv: is gzip-compressed" err "gzip message"
printf 'family_id,surname,dob\nF9,A\001b,2010-01-01\n' > ctl.csv
expect_rc 2 "control character in a row" sf import ctl.csv
has "ctl.csv: row 2: 'surname' holds a control character (0x01)" err "control character message names the row"
same "$(db_sum)" "$before" "binary: database unchanged"
{ printf 'family_id,surname,dob\nF9,'; head -c 100000000 /dev/zero | tr '\0' 'a'; printf ',2010-01-01\n'; } > long.csv
expect_rc 2 "a single line of 100 MB" sf import long.csv
has "row 2: is longer than 1 MiB" err "long line message"
same "$(db_sum)" "$before" "long line: database unchanged"
rm -f long.csv

# Several bad rows are all reported; with --rejects the good rows land.
printf 'family_id,surname,dob,note\nF10,Good,2010-01-01,=HYPERLINK("x")\nF10,,2010-01-01,x\nF10,Bad,31/02/2010,y\nF10,Fine,2011-01-01,z\n' > mixed.csv
expect_rc 2 "mixed file aborts" sf import mixed.csv
has "row 3: surname is empty" err "second row reported"
has "row 4: dob '31/02/2010' is not a date" err "third row reported"
has "2 invalid rows: nothing imported" err "summary"
same "$(cat "$T/out")" "" "refused: no summary of what would have been imported"
same "$(db_sum)" "$before" "mixed: database unchanged"
expect_rc 0 "dry run" sf import mixed.csv --dry-run --rejects r.csv
expect_output import-dry-run
same "$(db_sum)" "$before" "dry run writes nothing"
[ ! -e r.csv ] && ok || fail "dry run wrote a rejects file"
expect_rc 0 "--rejects imports the valid rows" sf import mixed.csv --rejects rejects.csv
has "2 imported" out "valid rows imported"
has "2 rejected" out "rejected count"
expect_output import-rejects
expect_file import-rejects.csv rejects.csv
same "$(sed -n 1p rejects.csv)" "row,family_id,surname,dob,note,error" "rejects header"
same "$(sed -n 3p rejects.csv)" "4,F10,Bad,31/02/2010,y,dob '31/02/2010' is not a date" "rejects row: the spreadsheet's row number"
expect_rc 0 "json counts" sf import mixed.csv --rejects rejects.csv --format json
has '"unchanged":2' out "json unchanged"
has '"rejected":2' out "json rejected"

# Environment errors: exit 3 and nothing written.
expect_rc 3 "missing database" sf --db nowhere.db import people.csv
has "nowhere.db: no such database" err "missing database message"
expect_output import-no-database
[ ! -e nowhere.db ] && ok || fail "import created a database"
echo "not a database at all" > text.db
expect_rc 3 "not a database" sf --db text.db import people.csv
has "not an sfcohort database" err "not a database message"
sqlite3 other.db "create table t(x); insert into t values (1);"
expect_rc 3 "someone else's database" sf --db other.db import people.csv
has "not an sfcohort database" err "foreign database message"
expect_rc 3 "unreadable file" sf import nosuch.csv
has "nosuch.csv: cannot read" err "unreadable message"
if on_sqlite; then
  cp "$SFCOHORT_DB" newer.db
  sqlite3 newer.db "PRAGMA user_version = 999"
  expect_rc 3 "a newer database is refused" sf --db newer.db import people.csv
  has "newer than this sfcohort" err "newer schema message"
fi

# A database locked by another writer, and a disk that fills: the SQLite
# file's (the server keeps its own).
if on_sqlite; then
  # A database locked by another writer.
  before=$(db_sum)
  # The writer holds its lock until told to let go through a pipe; the test
  # waits until the lock is really held, however slow the machine.
  mkfifo lockctl
  sqlite3 "$SFCOHORT_DB" < lockctl > /dev/null &
  exec 7> lockctl
  echo "BEGIN IMMEDIATE; INSERT INTO meta VALUES ('lock', 'x');" >&7
  for _ in $(seq 300); do
    sqlite3 "$SFCOHORT_DB" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 || break
    sleep 0.1
  done
  expect_rc 3 "locked database" sf import mixed.csv --rejects r2.csv
  has "locked by another process" err "locked message"
  expect_output import-locked
  [ ! -e r2.csv ] && ok || fail "rejects file left behind after failure"
  echo "ROLLBACK;" >&7
  exec 7>&-
  wait
  same "$(db_sum)" "$before" "locked: database unchanged"

  # A disk that fills during the import (file-size limit; SIGXFSZ ignored).
  awk 'BEGIN { print "family_id,given_name,surname,dob"; for (i = 0; i < 20000; i++) printf "G%d,Name%d,Surname%d,2001-01-01\n", i, i, i }' > big.csv
  before=$(db_sum)
  size_kb=$(( $(stat -c %s "$SFCOHORT_DB") / 1024 + 64 ))
  ( ulimit -f "$size_kb"; "$SFCOHORT" import big.csv ) >"$T/out" 2>"$T/err"; RC=$?
  same "$RC" "3" "disk full: exit 3"
  has "disk is full" err "disk full message"
  expect_output import-disk-full
  same "$(db_sum)" "$before" "disk full: database unchanged"
fi

# A read-only directory (as root, run as nobody so permissions apply).
mkdir ro && chmod 555 ro
if [ "$(id -u)" -eq 0 ]; then
  # The build tree may not be readable by nobody: run a copy from here.
  chmod 755 "$T"
  cp "$SFCOHORT" "$T/sfcohort-copy" && chmod 755 "$T/sfcohort-copy"
  as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$T/ro" SFCOHORT_KEYS="$T/ro/keys" "$T/sfcohort-copy" "$@"; }
else
  as_user() { "$SFCOHORT" "$@"; }
fi
run as_user --db "$T/ro/cohort.db" init
same "$RC" "3" "init in a read-only directory: exit 3"
has "cannot create" err "read-only message"
one_line_error "read-only"
[ ! -e ro/cohort.db ] && ok || fail "read-only: a file was created"

# Usage errors.
expect_rc 2 "no file" sf import
expect_rc 2 "unknown flag" sf import people.csv --frobnicate
has "see 'sfcohort import --help' or 'man sfcohort-import'" err "the hint names the command's page"
expect_rc 2 "unknown subcommand" sf share partner lisst
has "'lisst' is not a subcommand of 'sfcohort share partner'" err "the unknown subcommand named"
one_line_error "an unknown subcommand"
expect_rc 2 "a command's name as a global option's value" sf --as share share
has "a subcommand is required" err "no subcommand, not a misnamed one"
expect_rc 2 "unknown command" sf frobnicate
has "'frobnicate' is not an sfcohort command" err "unknown command message"
expect_output import-unknown-command
finish

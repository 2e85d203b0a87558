#!/usr/bin/env bash
# Spreadsheets as councils and partners send them, through import and
# lookup --batch: the column alias table, --map, unknown and missing
# columns, blank rows, Excel's dates and line breaks, bad bytes and unclosed
# quotes as errors of their row only, and row numbers as a spreadsheet shows
# them (header = row 1).
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-01-15

expect_rc 0 "init" sf -q init

# A council case-system export: Family Ref, Gender, Date Joined, Legal
# names, a preferred forename, a date with Excel's midnight time, an
# Alt+Enter line break in the house, a blank line and a row of commas.
cat > cases.csv <<'CSV'
Family Ref,Legal Forename,Preferred Forename,Legal Surname,DOB,Gender,Post Code,House,Date Joined,Keyworker
F1,Jonathan,Jon,Smith,03/04/2012 00:00,M,HD1 2AB,"Rose Cottage
Mill Lane",01/09/2024 00:00,Ann

,,,,,,,,,
F2,Aisha,,Begum,2001-02-03,F,M1 1AA,5,2024-10-01,Bob
CSV
expect_rc 0 "a case-system export imports" sf import cases.csv
has "read 2 rows: 2 imported" out "both people imported"
has "cases.csv: 2 blank rows skipped" err "blank rows counted"
has "warning: cases.csv: the column 'Keyworker' is not a known field: kept as an extra field" err "unknown column named"
expect_output tables-import-aliases
same "$(db_query "select sex||'|'||joined_on||'|'||dob||'|'||house||'|'||middle_names from person where family_id='F1'")" \
  "M|2024-09-01|2012-04-03|Rose Cottage, Mill Lane|Jon" "Gender, Date Joined, midnight dates, line break kept as ', ', preferred forename"
same "$(db_query "select extra from person where family_id='F2'")" '{"Keyworker":"Bob"}' "unknown column kept"

# A required field without a column: refused, naming the headers and the
# nearest known name; --map binds it.
printf 'Family Ref,Legal Surnme,Birth Day\nF3,Khan,2010-05-05\n' > typo.csv
expect_rc 2 "no surname column" sf import typo.csv
has "typo.csv: header: no column for surname among 'Family Ref', 'Legal Surnme', 'Birth Day'; the nearest known name is 'Legal Surname' (the file has 'Legal Surnme')" err "missing column message"
has "hint: give a column by hand with --map FIELD=HEADER" err "hint names --map"
expect_output tables-missing-column
expect_rc 0 "--map binds the columns" sf import typo.csv --map "surname=Legal Surnme" --map "dob=Birth Day"
same "$(db_query "select surname||'|'||dob from person where family_id='F3'")" "Khan|2010-05-05" "mapped columns used"
expect_rc 2 "a map to no column" sf import typo.csv --map "surname=Nope"
has "typo.csv: header: no column 'Nope' to map to surname" err "bad map message"
expect_rc 2 "a map to no field" sf import typo.csv --map "colour=Birth Day"
has "'colour' is not a field here" err "bad field message"

# Bad bytes and an unclosed quote are errors of their row only, numbered as
# the spreadsheet shows them; the rejects file has row and error columns.
printf 'family_id,surname,dob,house\nF4,Ab\000c,2010-01-01,1\nF4,"Oates,2010-01-01,2\nF4,Good,2010-01-01,3\nF4,Late,03/04/2012 09:30,4\n' > bad.csv
expect_rc 2 "bad rows abort without --rejects" sf import bad.csv
has "bad.csv: row 2: 'surname' holds a NUL byte" err "NUL byte: its row"
has "bad.csv: row 3: a quoted field is not closed on its line" err "unclosed quote: its row"
has "bad.csv: row 5: dob '03/04/2012 09:30' has a time of day" err "a time of day refused"
hasnt "row 4" err "the row after the unclosed quote is read"
same "$(cat "$T/out")" "" "refused: no summary of what would have been imported"
expect_rc 0 "--rejects keeps the good row" sf import bad.csv --rejects rej.csv
has "read 4 rows: 1 imported, 0 updated, 0 unchanged, 3 rejected" out "one imported"
same "$(head -1 rej.csv)" "row,family_id,surname,dob,house,error" "rejects header"
same "$(cut -d, -f1 rej.csv | tr '\n' ' ')" "row 2 3 5 " "rejects rows numbered as the spreadsheet"
expect_file tables-rejects.csv rej.csv
# Standard error hidden, or joined to standard output: each message on its line.
"$SFCOHORT" import bad.csv --rejects rej2.csv 2>/dev/null > out.txt
same "$(cat out.txt)" "read 4 rows: 0 imported, 0 updated, 1 unchanged, 3 rejected" "stdout alone is one line"
"$SFCOHORT" import bad.csv --rejects rej2.csv > both.txt 2>&1
same "$(wc -l < both.txt)" "2" "counts and the rejects note on lines of their own"
# A header of binary data is no table.
printf '\000\001\002\n' > bin.csv
expect_rc 2 "binary header" sf import bin.csv
has "bin.csv: holds binary data" err "binary refused whole"

# A school roll in a batch: Legal Surname and Legal Forename are understood
# (the issue's school roll matched nobody), the columns used are named.
printf 'UPN,Legal Forename,Legal Surname,DOB,Post Code,House,Year\nA1,Jonathan,Smith,03/04/2012,HD1 2AB,"Rose Cottage\nMill Lane",Y8\n\nA2,Aisha,Begum,03/02/2001 00:00,M1 1AA,5,Y13\n' > roll.csv
expect_rc 0 "a school roll in a batch" sf lookup --batch roll.csv --output checked.csv
has "columns: given_name <- 'Legal Forename', surname <- 'Legal Surname', dob <- 'DOB', postcode <- 'Post Code', house <- 'House'" err "batch names the column of each field"
has "warning: roll.csv: the column 'Year' is not a known field: carried through to the output" err "unknown column named"
has "1 blank row skipped" err "blank row counted"
has "checked 2 rows" err "two rows checked"
same "$(grep -c ',exact,' checked.csv)" "2" "both found exactly"
has 'Rose Cottage' checked.csv "the partner's house carried through"
expect_output tables-batch-roll
# A preferred forename is tried as a second given name.
printf 'Legal Forename,Preferred Forename,Surname,DOB\nXavier,Jonathan,Smith,2012-04-03\n' > pref.csv
expect_rc 0 "preferred forename in a batch" sf -q lookup --batch pref.csv
same "$(sed -n 2p "$T/out" | cut -d, -f5,10)" "strong,given_name=exact;surname=exact;dob=exact;postcode=missing;house=missing" "found by the preferred forename"
# --map in a batch; a batch without a dob column is refused.
printf 'Pupil Surname,Born\nSmith,2012-04-03\n' > mapped.csv
expect_rc 2 "batch without a dob column" sf lookup --batch mapped.csv
has "mapped.csv: header: no column for surname" err "batch names the missing field"
expect_rc 0 "batch with --map" sf lookup --batch mapped.csv --map "surname=Pupil Surname" --map dob=Born
has "columns: surname <- 'Pupil Surname', dob <- 'Born'" err "mapped columns named"

# Batch answers never hide an error: every bad row of the issue's list is
# match=error with a why naming the field and the problem; the lookup on the
# other fields runs where it can and says so; exit 0, errors counted.
printf 'ref,given_name,surname,dob,postcode,house\n1,Jonathan,Smith,12/03/15,HD1 2AB,"Rose Cottage, Mill Lane"\n2,Jonathan,Smith,31/09/2015,HD1 2AB,"Rose Cottage, Mill Lane"\n3,Jonathan,Smith,2015/03/12,,\n4,Jonathan,Smith,2012-04-03,N/A,\n\n5,Jonathan,Smith\n6,Jon\000,Smith,2012-04-03,HD1 2AB,\n7,"Jonathan,Smith,2012-04-03,HD1 2AB,\n8,Jonathan,Smith,2012-04-03,HD1 2AB,"Rose Cottage, Mill Lane"\n9,Jonathan,Smith,2012-04-03,HD1 A2B,"Rose Cottage, Mill Lane"\n' > badrows.csv
expect_rc 0 "a batch with bad rows runs" sf lookup --batch badrows.csv --output answers.csv
has "checked 9 rows" err "every row answered"
has "1 exact, 1 strong, 0 possible, 0 none, 7 errors (rows 2, 3, 4, 5, 7, 8, 9)" err "errors counted with their rows"
expect_output tables-batch-errors
expect_file tables-batch-errors.csv answers.csv
same "$(grep -c ',none,' answers.csv)" "0" "no error hidden as none"
has "2,Jonathan,Smith,31/09/2015,HD1 2AB,\"Rose Cottage, Mill Lane\",error,0.9799,F1,P" answers.csv "a bad date: error, and the lookup without it"
has "dob '31/09/2015' is not a date; looked up on the other fields: possible" answers.csv "why names the field and what was done"
has "dob '12/03/15' has a two-digit year" answers.csv "two-digit year"
has "dob '2015/03/12' is not a date" answers.csv "year first with slashes"
has "postcode 'N/A' is not a valid UK postcode; looked up on the other fields: strong" answers.csv "no postcode at all: an error"
has '9,Jonathan,Smith,2012-04-03,HD1 A2B,"Rose Cottage, Mill Lane",strong,' answers.csv "a mistyped postcode: answered, not an error"
has "postcode=invalid" answers.csv "a mistyped postcode: compared as written, and why says so"
has "has 3 fields, the header has 6; not looked up" answers.csv "a row of three fields"
has "'given_name' holds a NUL byte; looked up on the other fields" answers.csv "a NUL byte: that row only"
has "a quoted field is not closed on its line" answers.csv "unclosed quote: that row only"
has "8,Jonathan,Smith,2012-04-03,HD1 2AB,\"Rose Cottage, Mill Lane\",exact" answers.csv "the row after the unclosed quote is read"
expect_rc 0 "errors in JSON Lines" sf -q lookup --batch badrows.csv --format jsonl
has '"why":{"band":"possible","error":["dob '"'"'31/09/2015'"'"' is not a date"],"fields":{' out "jsonl error why"
has '"looked_up":true,"without":["dob"]' out "jsonl says what was left out"
expect_rc 0 "audit" sf audit --format json
has '"errors": 7' out "the audit entry counts the errors"
finish

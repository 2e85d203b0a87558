#!/usr/bin/env bash
# The README's examples, run on the shipped examples/ (on SQLite): every line
# of output it shows for them is what the tool prints. Only commands whose
# output the README shows whole are checked (not those cut with "...", nor
# files of its own such as cases.csv, nor the audit key's path in init's
# second line); a time ("in 0.0 s") may differ.
source "$SRC/tests/cli/lib.sh"
ln -s "$SRC/examples" examples
cp examples/feeds/*.csv .
norm() { sed -E 's/ in [0-9]+\.[0-9] s:/ in <S> s:/'; }
norm <"$SRC/README.md" >readme.txt
# shown WHAT: every line the last run printed (stdout, then stderr) is a line
# of the README.
shown() {
  local line
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    grep -qxF -- "$line" readme.txt && ok || fail "$1: the README does not show '$line'"
  done < <(cat "$T/out" "$T/err" | norm)
}

# init's first line: the schema version moves with every migration, and the
# README with it.
run env SFCOHORT_DB=fresh.db "$SFCOHORT" init
line=$(head -n 1 "$T/out" | sed 's/^created fresh.db/created cohort.db/')
grep -qxF -- "$line" readme.txt && ok || fail "init: the README does not show '$line'"
sf -q init >/dev/null
expect_rc 0 "import" sf import examples/cohort.csv --as "A Officer" --purpose "monthly refresh"
shown "import"
expect_rc 0 "audit verify" sf audit verify
shown "audit verify"
expect_rc 0 "lookup" sf lookup --given Jon --surname smith --dob 14/3/2009 --postcode hd12ab --house 12
shown "lookup"
expect_rc 0 "lookup an address" sf lookup --postcode "HD1 3DH" --house "Flat 3"
shown "lookup an address"
expect_rc 0 "batch" sf lookup --batch examples/roll.csv --output checked.csv
shown "batch"
run grep ',error,' checked.csv
shown "the batch's error row"
expect_rc 0 "batch from a workbook" sf lookup --batch examples/roll.xlsx --sheet "Roll 2025-26" \
  --format xlsx --output checked.xlsx
shown "batch from a workbook"
expect_rc 0 "evidence import" sf evidence import school-attendance.csv \
  --indicator school_attendance_pct --source "Education Welfare" --map "date=Period End"
shown "evidence import"
expect_rc 0 "report" sf report --target 3810 --target-period 2015-04-01..2020-03-31 \
  --format html --output report.html
shown "report"
# Sharing: the cohort with the example nomination accepted.
sf -q nominate submit examples/nomination-kirklees-2015.json >/dev/null
sf -q nominate decide N000001 --accept --reason "agreed at the allocation meeting" >/dev/null
sf -q share keygen >/dev/null 2>&1
age-keygen -o p.key 2>/dev/null
sf -q share partner add "West Yorkshire Police" --recipient "$(age-keygen -y p.key)" \
  --agreement isa=2024-04-01 --agreement dsp=2024-04-01 --agreement mou=2024-04-01 >/dev/null
expect_rc 0 "export" sf export --to "West Yorkshire Police" --output cohort.csv.age
shown "export"
finish

#!/usr/bin/env bash
# sfcohort report: the manager's view of the example cohort with one accepted
# nomination, as text, CSV and JSON against expected files; the HTML page
# rendered in a real headless browser (Debian's chromium), which must log no
# console error (the page's policy refuses any script or outside file) and
# draw every chart (each chart's colour is counted in the screenshot); and
# bad options refused with exit 2, nothing written.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-07-01

sf -q init >/dev/null 2>&1 || fail "init"
sf -q import "$SRC/examples/cohort.csv" >/dev/null 2>&1 || fail "import"
sf -q nominate submit "$SRC/examples/nomination-kirklees-2015.json" --as-of 2026-06-30 \
  >/dev/null 2>&1 || fail "nominate submit"
id=$(sf -q nominate list --status pending --format json | jq -r '.[0].id')
sf -q nominate decide "$id" --accept --reason "meets criteria 2 and 5" >/dev/null 2>&1 ||
  fail "nominate decide"
# Two closures, one with an outcome recorded.
sf -q family close F000130 --reason "goals met" --outcome outcomes_achieved --on 2026-05-01 \
  >/dev/null 2>&1 || fail "family close"
sf -q family close F000131 --reason "left the area" --on 2026-06-01 >/dev/null 2>&1 ||
  fail "family close"

expect_rc 0 "report as text" sf report --from 2024-01-01 --target 40 --target-period 2024-01-01..2027-12-31
expect_output report-text

expect_rc 0 "report as csv" sf -q report --format csv --output r.csv
expect_file report-csv r.csv

expect_rc 0 "report as json" sf -q report --format json
same "$(jq -r '.families.active' "$T/out")" 9 "json: active families"
same "$(jq -r '.families.closed' "$T/out")" 2 "json: closed families"
same "$(jq -r '[.closures[] | "\(.outcome)=\(.families)"] | join(",")' "$T/out")" \
  "outcomes_achieved=1,unrecorded=1" "json: closures by outcome"
same "$(jq -r '[.criteria[] | select(.families > 0) | .id] | join(",")' "$T/out")" "2,4,5" \
  "json: the criteria met"
same "$(jq -r '.eligible' "$T/out")" 1 "json: eligible families"

# Every report is an audit entry (counts only, but read from personal data).
n=$(db_query "select count(*) from audit where command = 'report'")
same "$n" 3 "three reports, three audit entries"

# ---- the HTML page in a real browser ----
expect_rc 0 "report as html" sf -q report --format html --output report.html \
  --target 40 --target-period 2024-01-01..2027-12-31
hasnt "<script" report.html "no script in the page"
hasnt "://" report.html "no address outside the page"

# render PAGE SHOT: a headless chromium screenshot of PAGE; its console
# messages (a refused script or file, a parse error) go to $T/console.
render() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --user-data-dir="$T/chromium" --enable-logging=stderr --v=0 \
    --window-size=900,2600 --screenshot="$2" "file://$1" >"$T/chromium.out" 2>&1
  grep -E 'CONSOLE|Refused to' "$T/chromium.out" >"$T/console"
  [ -s "$2" ]
}
# Debian's python3, which has python3-pil (a python3 earlier on PATH may not).
PY=/usr/bin/python3
colours=(joins=#1f5fa8 target=#c0392b criteria=#2a9d8f problems=#6a4c93 closures=#e07b00)
if command -v chromium >/dev/null; then
  if render "$T/report.html" "$T/shot.png"; then ok; else fail "chromium rendered no screenshot"; fi
  if [ -s "$T/console" ]; then fail "console messages: $(head -c 500 "$T/console")"; else ok; fi
  if /usr/bin/python3 "$SRC/tests/cli/tools/chart_colours.py" "$T/shot.png" "${colours[@]}" >"$T/colours"; then
    ok
  else
    fail "a chart is empty: $(tr '\n' ' ' <"$T/colours")"
  fi
  # The checks can fail: a page that loads an outside image logs a refusal,
  # and the report of an empty cohort has no criteria bars to find.
  sed 's#</body>#<img src="https://example.org/x.png"></body>#' report.html >bad.html
  render "$T/bad.html" "$T/bad.png"
  if [ -s "$T/console" ]; then ok; else fail "an outside image was not reported by the browser"; fi
  SFCOHORT_DB="$T/empty.db" sf -q init >/dev/null 2>&1
  SFCOHORT_DB="$T/empty.db" sf -q report --format html --output empty.html
  render "$T/empty.html" "$T/empty.png"
  if /usr/bin/python3 "$SRC/tests/cli/tools/chart_colours.py" "$T/empty.png" criteria=#2a9d8f >/dev/null; then
    fail "the empty cohort's criteria chart was found drawn"
  else
    ok
  fi
else
  fail "chromium is not installed (make test installs it)"
fi

# ---- bad options: exit 2, one line, nothing written ----
before=$(db_sum)
expect_rc 2 "--to in the future" sf report --to 2027-01-01
one_line_error "--to in the future"
expect_rc 2 "a bad --from" sf report --from 31/02/2026
one_line_error "a bad --from"
expect_rc 2 "--target without a period" sf report --target 100
expect_output report-target-alone
expect_rc 2 "a period backwards" sf report --target 10 --target-period 2026-01-01..2025-01-01
one_line_error "a period backwards"
expect_rc 2 "an unknown format" sf report --format pdf --output x.pdf
one_line_error "an unknown format"
[ -e x.pdf ] && fail "x.pdf was written"
expect_rc 2 "an unknown criteria set" sf report --criteria kirklees-2051
one_line_error "an unknown criteria set"
same "$(db_sum)" "$before" "bad options leave the database as it was"

# ---- partners' feeds count ------------------------------------------------
# Evidence imported from a feed (attached to the cohort's people) counts as
# evidence typed into a nomination does: anti-social behaviour recorded for
# a Smith (F000123) and a Hirst (F000124), and an out-of-work benefit for
# the Hirsts' mother, meet criterion 1 for two families, criterion 4 for one
# more, and make the Hirsts eligible.
expect_rc 0 "report before the feeds" sf -q report --format json
same "$(jq -r '.criteria[] | select(.id == 1) | .families' "$T/out")" 0 "no family meets criterion 1 yet"
same "$(jq -r '.eligible' "$T/out")" 1 "one eligible family before the feeds"
cat >asb.csv <<'CSV'
Forename,Surname,DOB,Postcode,House,Date
Craig,Smith,03/11/1981,HD1 2AB,12,2026-05-01
Sarah,Hirst,02/04/1985,HD1 3DH,Flat 3,2026-04-12
CSV
cat >dwp.csv <<'CSV'
Forename,Surname,DOB,Postcode,House,Date
Sarah,Hirst,02/04/1985,HD1 3DH,Flat 3,2026-03-01
CSV
sf -q evidence import asb.csv --indicator asb_recorded --source "Kirklees ASB Team" >/dev/null 2>&1 ||
  fail "evidence import asb.csv"
sf -q evidence import dwp.csv --indicator out_of_work_benefit --source DWP >/dev/null 2>&1 ||
  fail "evidence import dwp.csv"
same "$(db_query "select count(*) from evidence where state = 'attached'")" 3 "the feeds' rows attached"
expect_rc 0 "report with feed evidence" sf report --from 2024-01-01
expect_output report-feeds
expect_rc 0 "report with feed evidence, json" sf -q report --format json
same "$(jq -r '[.criteria[] | select(.families > 0) | "\(.id)=\(.families)"] | join(",")' "$T/out")" \
  "1=2,2=1,4=2,5=1" "json: the criteria met, the feeds' evidence counted"
same "$(jq -r '.eligible' "$T/out")" 2 "json: the Hirsts eligible on the feeds' evidence"

finish

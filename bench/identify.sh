#!/usr/bin/env bash
# Evidence feeds and identify: a cohort of PEOPLE people imported, five
# generated feeds of ROWS rows each (`sfcohort-gen feeds`, whose truth says
# which households outside the cohort meet 2 or more kirklees-2015 criteria)
# imported with `sfcohort evidence import`, then `sfcohort identify` over
# everything, `identify --new` scored against that truth (precision and
# recall of the eligible new households), and `report` over the result.
# Each step a whole process (wall and max RSS). Prints markdown on stdout; progress on stderr.
#   bench/identify.sh BUILD_DIR
# PEOPLE=100000 ROWS=10000 bench/identify.sh build   # a quick run
. "$(dirname "$0")/common.sh" "${1:-}"

PEOPLE=${PEOPLE:-1000000}
ROWS=${ROWS:-100000}
SEED=${SEED:-1}
AS_OF=2026-09-01

echo "## sfcohort evidence import and identify"
echo
machine_info
echo "- cohort: \`sfcohort-gen cohort --people $PEOPLE --seed $SEED\`; feeds: \`sfcohort-gen feeds --rows $ROWS --seed $SEED\` (five feeds)"
echo

note "generating $PEOPLE people and five feeds of $ROWS rows"
"$GEN" cohort --people "$PEOPLE" --seed "$SEED" --out "$SCRATCH/cohort.csv"
"$GEN" feeds --cohort "$SCRATCH/cohort.csv" --rows "$ROWS" --seed "$SEED" --dir "$SCRATCH" \
  --as-of "$AS_OF"
"$SF" -q init >/dev/null 2>&1
note "importing the cohort"
"$SF" -q import "$SCRATCH/cohort.csv" >/dev/null
rm -f "$SCRATCH/cohort.csv"

echo "| step | wall | max RSS | result |"
echo "|---|---:|---:|---|"
total=0
for feed in school_attendance_pct asb_recorded child_in_need out_of_work_benefit dv_police_callout; do
  note "evidence import $feed"
  measure "import-$feed" "$SF" -q evidence import "$SCRATCH/$feed.csv" --indicator "$feed" \
    --source "bench $feed" --format json
  [ "$RC" -eq 0 ] || { echo "| import $feed | failed, exit $RC | | $(head -c 300 "$SCRATCH/import-$feed.err") |"; exit 1; }
  counts=$(jq -r '"\(.attached) attached, \(.review) review, \(.outside) outside"' \
    "$SCRATCH/import-$feed.out")
  echo "| evidence import $feed ($ROWS rows) | ${WALL} s | $(mib "$RSS_KB") | $counts |"
  total=$(awk -v a="$total" -v b="$WALL" 'BEGIN { printf "%.3f", a + b }')
done
echo "| five feeds in all | ${total} s | | |"

note "identify"
measure identify "$SF" -q identify --as-of "$AS_OF" --format csv --output "$SCRATCH/all.csv"
[ "$RC" -eq 0 ] || { echo "| identify | failed, exit $RC | | |"; exit 1; }
households=$(($(wc -l <"$SCRATCH/all.csv") - 1))
echo "| identify (every household with evidence, CSV) | ${WALL} s | $(mib "$RSS_KB") | $households households |"
measure identify-new "$SF" -q identify --as-of "$AS_OF" --new --format csv --output "$SCRATCH/new.csv"
[ "$RC" -le 1 ] || { echo "| identify --new | failed, exit $RC | | |"; exit 1; }
echo "| identify --new | ${WALL} s | $(mib "$RSS_KB") | |"

note "report"
measure report "$SF" -q report --format text --output "$SCRATCH/report.txt" \
  --target 3810 --target-period 2015-04-01..2020-03-31
[ "$RC" -eq 0 ] || { echo "| report | failed, exit $RC | | |"; exit 1; }
echo "| report (text, with the feeds' evidence) | ${WALL} s | $(mib "$RSS_KB") | |"

# Precision and recall of the eligible new households against the truth.
csv_awk '{ csv($0) } NR > 1 { print F[1] }' "$SCRATCH/new.csv" | sort >"$SCRATCH/found"
csv_awk '{ csv($0) } NR > 1 && F[2] == 1 { print F[1] }' "$SCRATCH/truth.csv" | sort >"$SCRATCH/truth"
found=$(wc -l <"$SCRATCH/found")
truth=$(wc -l <"$SCRATCH/truth")
both=$(comm -12 "$SCRATCH/found" "$SCRATCH/truth" | wc -l)
echo
echo "identify --new: $found households found, $truth eligible in the generator's truth, $both in both:" \
  "precision $(awk -v b="$both" -v f="$found" 'BEGIN { printf "%.2f%%", f ? 100 * b / f : 0 }')," \
  "recall $(awk -v b="$both" -v t="$truth" 'BEGIN { printf "%.2f%%", t ? 100 * b / t : 0 }')"

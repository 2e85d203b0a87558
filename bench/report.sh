#!/usr/bin/env bash
# Report benchmark: a cohort of PEOPLE people imported, then `sfcohort
# report` in each format, each a whole process (wall and max RSS, median of
# RUNS). Prints markdown on stdout; progress on stderr.
#   bench/report.sh BUILD_DIR
# PEOPLE=100000 bench/report.sh build   # a quick run
. "$(dirname "$0")/common.sh" "${1:-}"

PEOPLE=${PEOPLE:-1000000}
SEED=${SEED:-1}
RUNS=${RUNS:-3}

echo "## sfcohort report"
echo
machine_info
echo "- cohort: \`sfcohort-gen cohort --people $PEOPLE --seed $SEED\`"
echo

cohort="$SCRATCH/cohort.csv"
note "generating $PEOPLE people"
"$GEN" cohort --people "$PEOPLE" --seed "$SEED" --out "$cohort"
"$SF" -q init >/dev/null 2>&1
note "importing"
"$SF" -q import "$cohort" >/dev/null
rm -f "$cohort"
families=$(sqlite3 "$SFCOHORT_DB" "select count(*) from family")

echo "| report ($families families) | wall (median of $RUNS) | max RSS |"
echo "|---|---:|---:|"
for format in text csv json html; do
  walls=()
  for _ in $(seq "$RUNS"); do
    measure "report-$format" "$SF" -q report --format "$format" --output "$SCRATCH/report.$format" \
      --target 3810 --target-period 2015-04-01..2020-03-31
    [ "$RC" -eq 0 ] || { echo "| $format | failed, exit $RC | |"; continue 2; }
    walls+=("$WALL")
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  echo "| $format | ${median} s | $(mib "$RSS_KB") |"
done

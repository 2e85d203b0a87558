#!/usr/bin/env bash
# The monthly refresh on a large cohort: import PEOPLE people, then the same
# list again with CHANGED_PCT percent of the people changed (every
# 1/CHANGED_PCT-th row: half of them at a new address, a quarter with another
# surname, a quarter moved to the next family), one person in a thousand
# under a new person id (the matcher links them) and one family in a
# thousand left out, as `import --full --changes` (the whole active list, absences
# reported). Then the changed list once more (nothing to do). Prints markdown;
# progress on stderr.
#   bench/reimport.sh BUILD_DIR
# PEOPLE=100000 bench/reimport.sh build
. "$(dirname "$0")/common.sh" "${1:-}"

PEOPLE=${PEOPLE:-1000000}
CHANGED_PCT=${CHANGED_PCT:-1}
SEED=${SEED:-1}

echo "## sfcohort import --changes (a monthly refresh)"
echo
machine_info
echo "- load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- cohort: \`sfcohort-gen cohort --people $PEOPLE --seed $SEED\`; then ${CHANGED_PCT}% of its rows changed, one person in 1,000 under a new id and one family in 1,000 left out"
echo

cohort="$SCRATCH/cohort.csv"
month2="$SCRATCH/month2.csv"
note "generating $PEOPLE people"
"$GEN" cohort --people "$PEOPLE" --seed "$SEED" --out "$cohort"
# Columns of sfcohort-gen: family_id,person_id,given_name,middle_names,
# surname,sex,dob,postcode,house,address,role,joined_on. The house may be
# quoted with a comma ("Flat 1, 9"): such a row's change goes to the next
# row whose first nine fields split plainly.
every=$((100 / CHANGED_PCT))
awk -v every="$every" 'BEGIN { FS = OFS = "," }
  NR == 1 { print; next }
  {
    fam = $1; sub(/^F/, "", fam)
    if (fam % 1000 == 7) next              # a family that left
    if ((NR - 1) % every == 0) due++
    if (due && $9 !~ /"/) {
      due--
      k = changed++ % 4
      if (k < 2) { $8 = "HD9 9ZZ"; $9 = "1" }  # a new address
      else if (k == 2) { $5 = $5 "-JONES" }     # another surname
      else { n = substr($1, 2) + 1; $1 = sprintf("F%0" length($1) - 1 "d", n) }  # the next family
    }
    if (NR % 1000 == 500 && $9 !~ /"/) $2 = "N" substr($2, 2)  # known under a new id
    print
  }' "$cohort" >"$month2"
"$SF" -q init >/dev/null
note "importing $PEOPLE people"
measure import "$SF" -q import "$cohort"
[ "$RC" -eq 0 ] || { echo "import failed (exit $RC): $(cat "$SCRATCH/import.err")"; exit 1; }

echo "| run | wall | max RSS | result |"
echo "|---|---:|---:|---|"
echo "| first import, $PEOPLE people | ${WALL} s | $(mib "$RSS_KB") | $(tr '\n' ' ' <"$SCRATCH/import.out") |"
note "re-importing with ${CHANGED_PCT}% changed"
measure refresh "$SF" -q import "$month2" --full --changes "$SCRATCH/changes.csv"
lines=$(($(wc -l <"$SCRATCH/changes.csv") - 1))
echo "| refresh, --full --changes | ${WALL} s | $(mib "$RSS_KB") | $(tr '\n' ' ' <"$SCRATCH/refresh.out")($lines change lines, exit $RC) |"
note "the same list again"
measure again "$SF" -q import "$month2" --full --changes "$SCRATCH/again.csv"
lines=$(($(wc -l <"$SCRATCH/again.csv") - 1))
echo "| the same list again | ${WALL} s | $(mib "$RSS_KB") | $(tr '\n' ' ' <"$SCRATCH/again.out")($lines change lines, exit $RC) |"

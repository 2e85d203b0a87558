#!/usr/bin/env bash
# Lookup benchmark: a 1M-person cohort imported, then
#   - a batch of 100,000 partner queries (wall, queries/s, max RSS),
#   - single lookups as whole processes (median over 20 queries of the
#     best of 3 runs each, timed by the shell's clock around the process),
#   - a bulk batch of 1,000,000 rows (wall, max RSS),
# and, from the 100k batch, accuracy by perturbation against the generator's
# ground truth. Prints markdown on stdout; progress on stderr.
#   bench/lookup.sh BUILD_DIR
# PEOPLE=100000 QUERIES=10000 BULK=0 bench/lookup.sh build   # a quick run
. "$(dirname "$0")/common.sh" "${1:-}"

PEOPLE=${PEOPLE:-1000000}
QUERIES=${QUERIES:-100000}
BULK=${BULK:-1000000}
SINGLES=${SINGLES:-20}
SEED=${SEED:-1}
MIX=${MIX:-default}

echo "## sfcohort lookup"
echo
machine_info
echo "- cohort: \`sfcohort-gen cohort --people $PEOPLE --seed $SEED\`"
echo "- queries: \`sfcohort-gen queries --n $QUERIES --mix $MIX --seed $SEED\`"
echo

cohort="$SCRATCH/cohort.csv"
note "generating $PEOPLE people"
"$GEN" cohort --people "$PEOPLE" --seed "$SEED" --out "$cohort"
"$SF" -q init >/dev/null
note "importing"
measure import "$SF" -q import "$cohort"
if [ "$RC" -ne 0 ]; then
  echo "import failed (exit $RC): $(head -c 300 "$SCRATCH/import.err")"
  exit 1
fi
import_line="| import $PEOPLE people | ${WALL} s | | $(mib "$RSS_KB") | $(tr '\n' ' ' <"$SCRATCH/import.out") |"

queries="$SCRATCH/queries.csv"
note "generating $QUERIES queries"
"$GEN" queries --cohort "$cohort" --n "$QUERIES" --mix "$MIX" --seed "$SEED" --out "$queries"

echo "| run | wall | queries/s | max RSS | notes |"
echo "|---|---:|---:|---:|---|"
echo "$import_line"

# ---- batch ----
note "batch lookup of $QUERIES queries"
measure batch "$SF" -q lookup --batch "$queries" --output "$SCRATCH/out.csv"
batch_rc=$RC
qps=$(awk -v n="$QUERIES" -v w="$WALL" 'BEGIN { if (w > 0) printf "%.0f", n / w; else print "n/a" }')
if [ "$batch_rc" -eq 0 ]; then
  echo "| batch, $QUERIES queries | ${WALL} s | ${qps} | $(mib "$RSS_KB") | |"
else
  echo "| batch, $QUERIES queries | ${WALL} s | | $(mib "$RSS_KB") | failed, exit $batch_rc: $(head -c 150 "$SCRATCH/batch.err" | tr '\n|' '  ') |"
fi

# ---- single lookups, each a whole process ----
note "$SINGLES single lookups"
walls=()
max_rss=0
codes=""
i=0
while IFS=$'\t' read -r g s d p h; do
  i=$((i + 1))
  [ "$i" -le "$SINGLES" ] || break
  # Memory and exit code under /usr/bin/time; the wall time from the shell's
  # clock around the process alone (time's own fork and exec would add a few
  # ms that are not sfcohort's), best of three to drop scheduling noise.
  measure "single-$i" "$SF" -q lookup "--given=$g" "--surname=$s" "--dob=$d" "--postcode=$p" "--house=$h"
  codes="$codes $RC"
  if [ "$RSS_KB" != "n/a" ] && [ "$RSS_KB" -gt "$max_rss" ]; then max_rss=$RSS_KB; fi
  best=""
  for _ in 1 2 3; do
    t0=$EPOCHREALTIME
    "$SF" -q lookup "--given=$g" "--surname=$s" "--dob=$d" "--postcode=$p" "--house=$h" >/dev/null 2>&1 || true
    t1=$EPOCHREALTIME
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    if [ -z "$best" ] || awk -v x="$w" -v y="$best" 'BEGIN { exit !(x < y) }'; then best=$w; fi
  done
  walls+=("$best")
done < <(csv_awk 'NR > 1 { csv($0); if (F[9] != "not_in_cohort") print F[2] "\t" F[3] "\t" F[4] "\t" F[5] "\t" F[6] }' "$queries")
single_med=$(median "${walls[@]}")
bad=$(printf '%s\n' $codes | awk '$1 > 1 { n++ } END { print n + 0 }')
note_single="exit codes:$(printf '%s\n' $codes | sort | uniq -c | awk '{ printf " %s×%s", $2, $1 }')"
[ "$bad" -eq 0 ] || note_single="$note_single (errors: $(head -c 120 "$SCRATCH/single-1.err" | tr '\n|' '  '))"
echo "| single lookup, median of ${#walls[@]} queries (best of 3 processes each) | ${single_med} s | | $(mib "$max_rss") | ${note_single} |"

# ---- bulk ----
if [ "$BULK" -gt 0 ]; then
  bulk="$SCRATCH/bulk.csv"
  note "generating $BULK bulk rows"
  "$GEN" queries --cohort "$cohort" --n "$BULK" --mix "$MIX" --seed "$((SEED + 1))" --out "$bulk"
  note "bulk lookup of $BULK rows"
  measure bulk "$SF" -q lookup --batch "$bulk" --output "$SCRATCH/bulk-out.csv"
  bqps=$(awk -v n="$BULK" -v w="$WALL" 'BEGIN { if (w > 0) printf "%.0f", n / w; else print "n/a" }')
  if [ "$RC" -eq 0 ]; then
    echo "| bulk batch, $BULK rows | ${WALL} s | ${bqps} | $(mib "$RSS_KB") | |"
  else
    echo "| bulk batch, $BULK rows | ${WALL} s | | $(mib "$RSS_KB") | failed, exit $RC: $(head -c 150 "$SCRATCH/bulk.err" | tr '\n|' '  ') |"
  fi
  rm -f "$bulk" "$SCRATCH/bulk-out.csv"
fi

# ---- accuracy of the batch against the generator's truth ----
if [ "$batch_rc" -eq 0 ] && [ -s "$SCRATCH/out.csv" ]; then
  echo
  echo "### accuracy of the $QUERIES-query batch (top answer vs truth)"
  echo
  echo "sure = exact or strong. For not_in_cohort, right means no sure answer."
  echo
  echo "| perturbation | queries | sure and right | sure and wrong | possible, right person | none |"
  echo "|---|---:|---:|---:|---:|---:|"
  csv_awk '
NR == 1 { n = csv($0); for (i = 1; i <= n; i++) col[F[i]] = i; next }
{
  csv($0)
  label = F[col["perturbation"]]; band = F[col["match"]]
  truth = F[col["truth_person_id"]]; got = F[col["person_id"]]
  total[label]++; all++
  sure = (band == "exact" || band == "strong")
  if (label == "not_in_cohort") {
    if (sure) wrong[label]++; else right[label]++
  } else if (sure) {
    if (got == truth) right[label]++; else wrong[label]++
  } else if (band == "possible" && got == truth) poss[label]++
  if (band == "none") none[label]++
}
END {
  for (l in total)
    printf "| %s | %d | %.1f%% | %.1f%% | %.1f%% | %.1f%% |\n", l, total[l], 100 * right[l] / total[l],
           100 * wrong[l] / total[l], 100 * poss[l] / total[l], 100 * none[l] / total[l]
}' "$SCRATCH/out.csv" | sort
fi

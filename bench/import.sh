#!/usr/bin/env bash
# Import benchmark: generate cohorts of 100k, 500k and 1M people, import each
# into an empty database, then import the same file again (nothing changes).
# Prints a markdown table on stdout; progress on stderr.
#   bench/import.sh BUILD_DIR
# SIZES="100000 1000000" bench/import.sh build   # other sizes
. "$(dirname "$0")/common.sh" "${1:-}"

SIZES=${SIZES:-"100000 500000 1000000"}
SEED=${SEED:-1}

echo "## sfcohort import"
echo
machine_info
echo "- cohort: \`sfcohort-gen cohort --people N --seed $SEED\`; each size into a fresh database"
echo
echo "| people | generate | import (wall) | import (max RSS) | rows/s | re-import (wall) | re-import (max RSS) | database size | result |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"

for n in $SIZES; do
  csv="$SCRATCH/cohort-$n.csv"
  note "generating $n people"
  measure "gen-$n" "$GEN" cohort --people "$n" --seed "$SEED" --out "$csv"
  gen_wall=$WALL
  rm -f "$SFCOHORT_DB" "$SFCOHORT_DB-wal" "$SFCOHORT_DB-shm"
  rm -rf "$SFCOHORT_KEYS"
  measure "init-$n" "$SF" -q init
  if [ "$RC" -ne 0 ]; then
    echo "| $n | ${gen_wall} s | init failed (exit $RC) | | | | | | |"
    continue
  fi
  note "importing $n people"
  measure "import-$n" "$SF" -q import "$csv"
  imp_wall=$WALL imp_rss=$RSS_KB imp_rc=$RC
  imp_out=$(tr '\n' ' ' <"$SCRATCH/import-$n.out" | sed 's/ *$//')
  rate=$(awk -v n="$n" -v w="$imp_wall" 'BEGIN { if (w > 0) printf "%.0f", n / w; else print "n/a" }')
  note "re-importing $n people"
  measure "reimport-$n" "$SF" -q import "$csv"
  re_wall=$WALL re_rss=$RSS_KB re_rc=$RC
  re_out=$(tr '\n' ' ' <"$SCRATCH/reimport-$n.out" | sed 's/ *$//')
  size=$(du -k "$SFCOHORT_DB" 2>/dev/null | awk '{ printf "%.0f MiB", $1 / 1024 }')
  result="import: ${imp_out:-exit $imp_rc}; again: ${re_out:-exit $re_rc}"
  [ "$imp_rc" -eq 0 ] || result="import exit $imp_rc: $(head -c 120 "$SCRATCH/import-$n.err" | tr '\n|' '  ')"
  echo "| $n | ${gen_wall} s | ${imp_wall} s | $(mib "$imp_rss") | ${rate} | ${re_wall} s | $(mib "$re_rss") | ${size:-n/a} | ${result} |"
  rm -f "$csv"
done

#!/usr/bin/env bash
# PostgreSQL beside SQLite, in the same run on the same machine: a throwaway
# cluster (tests/pg/cluster.sh: Unix socket only, fsync off, stopped however
# this ends) and an SQLite file, each given
#   - an import of PEOPLE people (wall, max RSS),
#   - single lookups as whole processes (median over SINGLES queries of the
#     best of 3 runs each),
#   - a batch of QUERIES queries against the PEOPLE (queries/s),
#   - OFFICERS officers each running single lookups in a loop while an
#     import of MORE new people runs (p95 and max lookup latency, errors);
#     on PostgreSQL each officer is a database user of their own, granted
#     the officer role.
# Where PgBouncer is installed, the same again through it (session mode,
# tests/pg/pooler.sh), into a database of its own: the server keeps its
# sessions between commands, so a command no longer waits for one to start.
# Prints markdown on stdout; progress on stderr.
#   bench/pg.sh BUILD_DIR
# PEOPLE=100000 QUERIES=10000 MORE=10000 bench/pg.sh build   # a quick run
. "$(dirname "$0")/common.sh" "${1:-}"

PEOPLE=${PEOPLE:-1000000}
QUERIES=${QUERIES:-100000}
MORE=${MORE:-100000}
OFFICERS=${OFFICERS:-16}
SINGLES=${SINGLES:-20}
SEED=${SEED:-1}
SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)

officer_user() { echo "sf_bench_officer_$1"; }
PG_ENVFILE="$SCRATCH/pg.env"
POOL_ENVFILE="$SCRATCH/pool.env"
trap 'bash "$SRC_DIR/tests/pg/pooler.sh" stop "$POOL_ENVFILE"; bash "$SRC_DIR/tests/pg/cluster.sh" stop "$PG_ENVFILE"; rm -rf "$SCRATCH"' EXIT
note "starting a PostgreSQL cluster"
bash "$SRC_DIR/tests/pg/cluster.sh" start "$PG_ENVFILE"
# shellcheck disable=SC1090
. "$PG_ENVFILE"
"$PG_BIN/createdb" bench
PG_URI="postgresql:///bench?host=$PGHOST"
# The officers are a team: a database user each, granted the officer role
# (sfcohort admin grant), so each looks up as the server lets an officer.
for i in $(seq 1 "$OFFICERS"); do
  "$PG_BIN/psql" -X -q -d postgres -c "CREATE ROLE $(officer_user "$i") LOGIN" >/dev/null
done
SQLITE_DB="$SCRATCH/cohort.db"

echo "## sfcohort on PostgreSQL beside SQLite"
echo
machine_info
echo "- server: $("$PG_BIN/postgres" --version), on this machine over its Unix socket; fsync off (a throwaway cluster)"
echo "- cohort: \`sfcohort-gen cohort --people $PEOPLE --seed $SEED\`; queries: \`sfcohort-gen queries --n $QUERIES --seed $SEED\`"
echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

cohort="$SCRATCH/cohort.csv"
note "generating $PEOPLE people, $QUERIES queries and $MORE more people"
"$GEN" cohort --people "$PEOPLE" --seed "$SEED" --out "$cohort"
"$GEN" queries --cohort "$cohort" --n "$QUERIES" --seed "$SEED" --out "$SCRATCH/queries.csv"
# The import during the officers' lookups: people not in the cohort yet
# (the generator numbers people from 1 whatever the seed, so ids get an X).
"$GEN" cohort --people "$MORE" --seed "$((SEED + 1))" --out - |
  perl -pe 's/^([^,]+),([^,]+),/X$1,X$2,/ if $. > 1' >"$SCRATCH/more.csv"
csv_awk 'NR > 1 && n < 200 { csv($0); if (F[9] != "not_in_cohort") { n++; print F[2] "\t" F[3] "\t" F[4] "\t" F[5] "\t" F[6] } }' \
  "$SCRATCH/queries.csv" >"$SCRATCH/singles.tsv"

# single_lookups: the median of the best of 3 of SINGLES whole processes.
single_lookups() {
  local walls=() i=0 g s d p h best t0 t1 w
  while IFS=$'\t' read -r g s d p h; do
    i=$((i + 1))
    [ "$i" -le "$SINGLES" ] || break
    best=""
    for _ in 1 2 3; do
      t0=$EPOCHREALTIME
      "$SF" -q lookup "--given=$g" "--surname=$s" "--dob=$d" "--postcode=$p" "--house=$h" >/dev/null 2>&1 || true
      t1=$EPOCHREALTIME
      w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
      if [ -z "$best" ] || awk -v x="$w" -v y="$best" 'BEGIN { exit !(x < y) }'; then best=$w; fi
    done
    walls+=("$best")
  done <"$SCRATCH/singles.tsv"
  median "${walls[@]}"
}

# officer N: single lookups in a loop until $SCRATCH/stop exists, as the
# database user officer_of N names (OFFICER_DB, with %u for that user; the
# cohort SFCOHORT_DB names when unset); one line "microseconds exit" a
# lookup in $SCRATCH/officer-N. Timed by the shell itself: a timing process
# a lookup would take the CPU the officers share.
officer() {
  local n=$1 g s d p h t0 t1 rc db=$SFCOHORT_DB
  [ -z "${OFFICER_DB:-}" ] || db=${OFFICER_DB//%u/$(officer_user "$n")}
  : >"$SCRATCH/officer-$n"
  while [ ! -e "$SCRATCH/stop" ]; do
    while IFS=$'\t' read -r g s d p h; do
      [ -e "$SCRATCH/stop" ] && break
      t0=${EPOCHREALTIME/[.,]/}
      SFCOHORT_DB=$db "$SF" -q lookup "--given=$g" "--surname=$s" "--dob=$d" "--postcode=$p" "--house=$h" \
        >/dev/null 2>>"$SCRATCH/officer-$n.err"
      rc=$?
      t1=${EPOCHREALTIME/[.,]/}
      echo "$((t1 - t0)) $rc" >>"$SCRATCH/officer-$n"
    done < <(tail -n +"$((n * 10 + 1))" "$SCRATCH/singles.tsv")
  done
}
# concurrent: OFFICERS officers during an import of MORE people; prints
# the import's wall, the lookups, their p95 and max, and how many failed.
concurrent() {
  local pids="" i imp_rc
  rm -f "$SCRATCH/stop" "$SCRATCH"/officer-*
  for i in $(seq 1 "$OFFICERS"); do
    officer "$i" &
    pids="$pids $!"
  done
  measure "more-$1" "$SF" -q import "$SCRATCH/more.csv"
  imp_rc=$RC
  touch "$SCRATCH/stop"
  for i in $pids; do wait "$i" || true; done
  cat "$SCRATCH"/officer-[0-9]* | sort -n | awk -v w="$WALL" -v rc="$imp_rc" '
    { t[NR] = $1 / 1e6; if ($2 > 1) bad++ }
    END {
      p95 = NR ? t[int(NR * 0.95 + 0.999)] : 0
      printf "%s s (exit %d) | %d | %.3f s | %.3f s | %d", w, rc, NR, p95, (NR ? t[NR] : 0), bad
    }'
}

# run_backend NAME: every figure for the database SFCOHORT_DB names.
run_backend() {
  local name=$1 import_line batch_line single more
  local slug=${name// /-}
  note "$name: importing $PEOPLE people"
  "$SF" -q init >/dev/null
  measure "import-$slug" "$SF" -q import "$cohort"
  import_line="${WALL} s, $(mib "$RSS_KB") (exit $RC)"
  note "$name: a batch of $QUERIES queries"
  measure "batch-$slug" "$SF" -q lookup --batch "$SCRATCH/queries.csv" --output "$SCRATCH/out-$slug.csv"
  batch_line="$(awk -v n="$QUERIES" -v w="$WALL" 'BEGIN { printf "%.0f", n / w }') q/s (${WALL} s, $(mib "$RSS_KB"), exit $RC)"
  note "$name: $SINGLES single lookups"
  single=$(single_lookups)
  if [ -n "${OFFICER_DB:-}" ]; then
    for i in $(seq 1 "$OFFICERS"); do "$SF" -q admin grant "$(officer_user "$i")" --role officer >/dev/null; done
  fi
  note "$name: $OFFICERS officers during an import of $MORE people"
  more=$(concurrent "$slug")
  echo "| $name | $import_line | $single s | $batch_line | $more |"
}

echo "| backend | import $PEOPLE | single lookup (median) | batch $QUERIES | import $MORE during lookups (wall) | lookups | p95 | max | failed |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
SFCOHORT_DB=$SQLITE_DB run_backend SQLite
SFCOHORT_DB=$PG_URI OFFICER_DB="postgresql://%u@/bench?host=$PGHOST" run_backend PostgreSQL
pooled=""
PGBOUNCER_BIN=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
if [ -x "$PGBOUNCER_BIN" ]; then
  note "starting PgBouncer in front of the cluster"
  # shellcheck disable=SC2046
  bash "$SRC_DIR/tests/pg/pooler.sh" start "$POOL_ENVFILE" "$PG_ENVFILE" \
    $(for i in $(seq 1 "$OFFICERS"); do officer_user "$i"; done)
  # shellcheck disable=SC1090
  . "$POOL_ENVFILE"
  "$PG_BIN/createdb" bench_pooled
  SFCOHORT_DB="postgresql:///bench_pooled?$POOL_URI_HOST" \
    OFFICER_DB="postgresql://%u@/bench_pooled?$POOL_URI_HOST" run_backend "PostgreSQL via PgBouncer"
  pooled=1
fi
echo
same_answers="The batches' answers are the same, byte for byte"
for f in "$SCRATCH"/out-*.csv; do
  cmp -s "$SCRATCH/out-SQLite.csv" "$f" || same_answers="The batches' answers differ ($(basename "$f") from out-SQLite.csv)"
done
echo "$same_answers."
if [ -n "$pooled" ]; then
  echo "PgBouncer $("$PGBOUNCER_BIN" --version 2>/dev/null | head -n 1 | awk '{print $2}') in session mode, on the same machine over its Unix socket, a pool for each database user."
fi
for f in "$SCRATCH"/officer-*.err; do
  [ -s "$f" ] && { echo; echo "A failed lookup said: $(head -n 1 "$f")"; break; }
done
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

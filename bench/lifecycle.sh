#!/usr/bin/env bash
# Data-protection benchmark on a 1M-person cohort:
#   - a batch of 100,000 queries with the disclosure record on (queries/s),
#   - `sar` for one person as a whole process (median of 5), once the trail
#     holds AUDIT more entries and DISCLOSURES disclosure rows,
#   - `retention --apply` disposing of about DISPOSE people (wall, max RSS).
# The extra entries and rows are written with sqlite3 (made by commands,
# they would take hours): the entries are not chained, so `audit verify` is
# not run on this database. The families to dispose of are closed the same
# way (closed on 2010-01-01). Prints markdown; progress on stderr.
#   bench/lifecycle.sh BUILD_DIR
# PEOPLE=100000 QUERIES=10000 AUDIT=100000 DISCLOSURES=1000000 DISPOSE=10000 bench/lifecycle.sh build
. "$(dirname "$0")/common.sh" "${1:-}"

PEOPLE=${PEOPLE:-1000000}
QUERIES=${QUERIES:-100000}
AUDIT=${AUDIT:-1000000}
DISCLOSURES=${DISCLOSURES:-10000000}
DISPOSE=${DISPOSE:-100000}
SEED=${SEED:-1}
PER=$((DISCLOSURES / PEOPLE))

echo "## sfcohort sar and retention"
echo
machine_info
echo "- load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- cohort: \`sfcohort-gen cohort --people $PEOPLE --seed $SEED\`; $AUDIT audit entries and $((PER * PEOPLE)) disclosure rows added with sqlite3"
echo

cohort="$SCRATCH/cohort.csv"
note "generating $PEOPLE people"
"$GEN" cohort --people "$PEOPLE" --seed "$SEED" --out "$cohort"
"$SF" -q init >/dev/null
note "importing"
measure import "$SF" -q import "$cohort"
[ "$RC" -eq 0 ] || { echo "import failed (exit $RC)"; exit 1; }
queries="$SCRATCH/queries.csv"
"$GEN" queries --cohort "$cohort" --n "$QUERIES" --seed "$SEED" --out "$queries"

echo "| run | wall | rate | max RSS | notes |"
echo "|---|---:|---:|---:|---|"
echo "| import $PEOPLE people | ${WALL} s | | $(mib "$RSS_KB") | |"

note "batch lookup of $QUERIES queries"
measure batch "$SF" -q lookup --batch "$queries" --output "$SCRATCH/out.csv"
qps=$(awk -v n="$QUERIES" -v w="$WALL" 'BEGIN { if (w > 0) printf "%.0f", n / w }')
rows=$(sqlite3 "$SFCOHORT_DB" "SELECT count(*) FROM disclosure")
echo "| batch, $QUERIES queries, disclosures on | ${WALL} s | ${qps} q/s | $(mib "$RSS_KB") | $rows disclosure rows written (exit $RC) |"

note "adding $AUDIT audit entries and $((PER * PEOPLE)) disclosure rows"
t0=$(now_ns)
sqlite3 "$SFCOHORT_DB" <<SQL
PRAGMA cache_size = -262144;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $AUDIT)
INSERT INTO audit(seq, at, actor, command, purpose, subject, detail, prev_mac, mac, os_user)
SELECT (SELECT max(seq) FROM audit) + i, '2026-01-01T00:00:00Z', 'officer' || (i % 20),
       'lookup', 'bench', '', '{}', '', '', 'bench' FROM n;
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < $PER - 1)
INSERT INTO disclosure(person_id, audit_seq, partner, family_id)
SELECT p.id, (SELECT max(seq) FROM audit) - $AUDIT + 1 + ((p.pk * 7919 + j * 104729) % $AUDIT),
       CASE WHEN j % 5 = 0 THEN 'West Yorkshire Police' ELSE '' END, p.family_id
FROM person p, k ORDER BY 1, 2, 3;
COMMIT;
SQL
t1=$(now_ns)
echo "| setup: $AUDIT entries, $((PER * PEOPLE)) disclosure rows (sqlite3) | $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s | | | |"

who=$(sqlite3 "$SFCOHORT_DB" "SELECT id FROM person WHERE pk = $((PEOPLE / 2))")
note "sar $who"
walls=()
for i in 1 2 3 4 5; do
  measure sar "$SF" -q sar "$who" --output "$SCRATCH/sar.txt"
  walls+=("$WALL")
done
echo "| sar $who (median of 5, whole process) | $(median "${walls[@]}") s | | $(mib "$RSS_KB") | $(grep -c . "$SCRATCH/sar.txt") lines, $(sed -n 's/^Disclosures (\(.*\))/\1/p' "$SCRATCH/sar.txt") disclosures |"

note "closing families of about $DISPOSE people"
sqlite3 "$SFCOHORT_DB" <<SQL
BEGIN;
CREATE TEMP TABLE doomed AS
  SELECT family_id FROM (SELECT family_id, sum(count(*)) OVER (ORDER BY family_id) AS upto
                         FROM person GROUP BY family_id) WHERE upto <= $DISPOSE;
UPDATE family SET status = 'closed', closed_on = '2010-01-01'
  WHERE id IN (SELECT family_id FROM doomed);
INSERT INTO family_status(family_id, status, on_date, reason, outcome, recorded_at, recorded_by)
  SELECT family_id, 'closed', '2010-01-01', 'bench', '', '2010-01-01T00:00:00Z', 'bench' FROM doomed;
COMMIT;
SQL
measure retention "$SF" -q retention --apply
echo "| retention --apply | ${WALL} s | | $(mib "$RSS_KB") | $(tail -n 1 "$SCRATCH/retention.out") (exit $RC) |"
echo
echo "- load after: $(cut -d' ' -f1-3 /proc/loadavg)"

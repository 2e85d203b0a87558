#!/usr/bin/env bash
# Excel workbook benchmark (issue 12): the same rows as CSV and as .xlsx.
#   - import: a generated cohort is imported, exported as CSV and as a
#     workbook (sfcohort's own writer: inline strings), and each export is
#     imported into a fresh database (wall, max RSS);
#   - batch: QUERIES generated queries as CSV and as a workbook written by
#     python3-openpyxl (inline strings, in Debian's 3.0.9), each looked up
#     against the cohort (wall, queries/s, max RSS), and once more with
#     --format xlsx output.
# Prints markdown on stdout; progress on stderr.
#   bench/xlsx.sh BUILD_DIR
# PEOPLE=20000 QUERIES=5000 bench/xlsx.sh build   # a quick run
# IMPORTS=0 bench/xlsx.sh build   # the batches only (no exports, no imports of them)
. "$(dirname "$0")/common.sh" "${1:-}"

PEOPLE=${PEOPLE:-1000000}
QUERIES=${QUERIES:-100000}
SEED=${SEED:-1}
IMPORTS=${IMPORTS:-1}

PY=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import openpyxl' 2>/dev/null; then PY=$p && break; fi
done
[ -n "$PY" ] || { echo "bench: error: python3-openpyxl is needed" >&2; exit 3; }

echo "## Excel workbooks (\`bench/xlsx.sh\`)"
echo
machine_info
echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- cohort: \`sfcohort-gen cohort --people $PEOPLE --seed $SEED\`, imported, then exported with \`export --plaintext\` as CSV and as \`--format xlsx\`"
echo "- queries: \`sfcohort-gen queries --n $QUERIES --seed $SEED\`, and the same rows saved by openpyxl"
echo

fresh_db() {
  rm -f "$SFCOHORT_DB" "$SFCOHORT_DB-wal" "$SFCOHORT_DB-shm"
  rm -rf "$SFCOHORT_KEYS"
  "$SF" -q init >/dev/null
}

row() {  # LABEL WHAT ROWS: a table line for the last measure
  local rate
  rate=$(awk -v n="$3" -v w="$WALL" 'BEGIN { if (w > 0) printf "%.0f", n / w; else print "n/a" }')
  local res
  res=$(tr '\n|' '  ' <"$SCRATCH/$1.out" | sed -e 's/ *$//' -e "s|$SCRATCH/||g")
  [ "$RC" -eq 0 ] || res="exit $RC: $(head -c 150 "$SCRATCH/$1.err" | tr '\n|' '  ')"
  echo "| $2 | ${WALL} s | ${rate} | $(mib "$RSS_KB") | ${res} |"
}

cohort="$SCRATCH/cohort.csv"
note "generating $PEOPLE people"
"$GEN" cohort --people "$PEOPLE" --seed "$SEED" --out "$cohort"
fresh_db
note "importing the generated cohort"
"$SF" -q import "$cohort" >/dev/null
keep_db="$SCRATCH/kept.db"

echo "| run | wall | rows/s | max RSS | result |"
echo "|---|---:|---:|---:|---|"
cp "$SFCOHORT_DB" "$keep_db"
if [ "$IMPORTS" != 0 ]; then
note "exporting as CSV and as a workbook"
measure export-csv "$SF" -q export --plaintext --output "$SCRATCH/people.csv"
row export-csv "export $PEOPLE as CSV" "$PEOPLE"
measure export-xlsx "$SF" -q export --plaintext --format xlsx --output "$SCRATCH/people.xlsx"
row export-xlsx "export $PEOPLE as xlsx" "$PEOPLE"

for f in people.csv people.xlsx; do
  fresh_db
  note "importing $f"
  measure "import-$f" "$SF" -q import "$SCRATCH/$f"
  row "import-$f" "import $f ($(du -k "$SCRATCH/$f" | awk '{ printf "%.0f MiB", $1 / 1024 }'))" "$PEOPLE"
done
fi

# The batches run against the first database (the generated cohort).
rm -f "$SFCOHORT_DB-wal" "$SFCOHORT_DB-shm"
cp "$keep_db" "$SFCOHORT_DB"
queries="$SCRATCH/queries.csv"
note "generating $QUERIES queries"
"$GEN" queries --cohort "$cohort" --n "$QUERIES" --seed "$SEED" --out "$queries"
note "saving them with openpyxl"
"$PY" - "$queries" "$SCRATCH/queries.xlsx" <<'PY'
import csv, sys
import openpyxl
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("queries")
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for r in csv.reader(f):
        ws.append(r)
wb.save(sys.argv[2])
PY
for f in queries.csv queries.xlsx; do
  note "batch $f"
  measure "batch-$f" "$SF" -q lookup --batch "$SCRATCH/$f" --output "$SCRATCH/out-$f.csv"
  row "batch-$f" "lookup --batch $f, CSV out" "$QUERIES"
done
measure batch-xlsx-out "$SF" -q lookup --batch "$SCRATCH/queries.xlsx" --format xlsx \
  --output "$SCRATCH/out.xlsx"
row batch-xlsx-out "lookup --batch queries.xlsx --format xlsx" "$QUERIES"
if cmp -s <(cut -d, -f1-20 "$SCRATCH/out-queries.csv.csv") <(cut -d, -f1-20 "$SCRATCH/out-queries.xlsx.csv"); then
  echo
  echo "The CSV and workbook batches gave the same answers, row for row."
else
  echo
  echo "The CSV and workbook batches' answers differ: $(diff <(cut -d, -f1-20 "$SCRATCH/out-queries.csv.csv") <(cut -d, -f1-20 "$SCRATCH/out-queries.xlsx.csv") | head -3 | tr '\n|' '  ')"
fi
echo
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

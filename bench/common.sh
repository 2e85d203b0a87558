# Shared by bench/*.sh: source it with the build directory as $1.
#   . "$(dirname "$0")/common.sh" "$1"
# Sets SF and GEN (the binaries), SCRATCH (a temp dir removed on exit), an
# isolated database, keys and config under SCRATCH, and defines:
#   machine_info            markdown lines describing this machine
#   measure LABEL CMD...    runs CMD; sets WALL (seconds, 3 decimals), RSS_KB
#                           and RC; CMD's stdout/stderr go to $SCRATCH/LABEL.{out,err}
#   median N...             the median of numbers
#   note TEXT               progress on stderr
#   csv_awk PROGRAM FILE... awk with csv(line) filling F[1..n] (RFC 4180, one line a row)
# Nothing is installed; /usr/bin/time gives max RSS where it exists.
set -euo pipefail

BUILD_DIR=${1:?usage: bench/$(basename "$0") BUILD_DIR}
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
SF="$BUILD_DIR/sfcohort"
GEN="$BUILD_DIR/sfcohort-gen"
for b in "$SF" "$GEN"; do
  if [ ! -x "$b" ]; then
    echo "bench: error: $b not found; build it first (cmake --build $BUILD_DIR)" >&2
    exit 3
  fi
done

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/sfcohort-bench.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
export SFCOHORT_DB="$SCRATCH/cohort.db"
export SFCOHORT_KEYS="$SCRATCH/keys"
export XDG_CONFIG_HOME="$SCRATCH/config"
export SFCOHORT_USER=bench
export SFCOHORT_PURPOSE="benchmark with synthetic data"
unset SFCOHORT_PASSPHRASE_FILE

TIME_BIN=""
if [ -x /usr/bin/time ]; then TIME_BIN=/usr/bin/time; fi

note() { echo "bench: $*" >&2; }

machine_info() {
  local cpu mem os
  cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
  [ -n "$cpu" ] || cpu=$(uname -m)
  mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
  os=$(uname -sr)
  echo "- machine: $(nproc 2>/dev/null || echo '?') CPUs, ${cpu}, ${mem:-? memory}, ${os}"
  echo "- sfcohort: $("$SF" --version 2>/dev/null | head -n 1 || echo unknown), build $(basename "$BUILD_DIR")"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  if [ -z "$TIME_BIN" ]; then echo "- /usr/bin/time missing: wall times only, no RSS"; fi
}

now_ns() { date +%s%N; }

measure() {
  local label=$1 t0 t1 tf="$SCRATCH/$1.time"
  shift
  t0=$(now_ns)
  set +e
  if [ -n "$TIME_BIN" ]; then
    "$TIME_BIN" -f '%e s %M KB' -o "$tf" "$@" >"$SCRATCH/$label.out" 2>"$SCRATCH/$label.err"
  else
    "$@" >"$SCRATCH/$label.out" 2>"$SCRATCH/$label.err"
  fi
  RC=$?
  set -e
  t1=$(now_ns)
  # Wall time from the clock (finer than %e); RSS from /usr/bin/time.
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  RSS_KB="n/a"
  if [ -n "$TIME_BIN" ] && [ -s "$tf" ]; then
    RSS_KB=$(awk '/ s [0-9]+ KB$/ { v = $(NF - 1) } END { print (v == "" ? "n/a" : v) }' "$tf")
  fi
  if [ "$RC" -ne 0 ]; then
    note "$label: exit $RC: $(head -c 300 "$SCRATCH/$label.err" | tr '\n' ' ')"
  fi
}

# Human-friendly RSS: 35484 -> "34.7 MiB".
mib() {
  case "$1" in
    n/a | "") echo "n/a" ;;
    *) awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }' ;;
  esac
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

csv_awk() {
  awk '
function csv(line,   n, i, c, q, cur) {
  n = 0; cur = ""; q = 0
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (q) {
      if (c == "\"") {
        if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ } else q = 0
      } else cur = cur c
    } else if (c == "\"") q = 1
    else if (c == ",") { F[++n] = cur; cur = "" }
    else if (c != "\r") cur = cur c
  }
  F[++n] = cur
  return n
}
'"$1" "${@:2}"
}

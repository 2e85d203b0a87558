#!/usr/bin/env bash
# `make demo`: the main jobs of sfcohort, end to end, in a scratch folder
# (BUILD/demo). It never touches your own cohort.db or keys, needs no input,
# and can be run again: each run starts afresh.
set -euo pipefail
SF_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
EXAMPLES=$(cd "$(dirname "$0")" && pwd)
DEMO=$(dirname "$SF_BIN")/demo
rm -rf "$DEMO"
mkdir -p "$DEMO/bin"
ln -s "$SF_BIN" "$DEMO/bin/sfcohort"
export PATH="$DEMO/bin:$PATH"
cd "$DEMO"
export SFCOHORT_DB="$DEMO/cohort.db" SFCOHORT_KEYS="$DEMO/keys"
export SFCOHORT_USER="demo officer" SFCOHORT_PURPOSE="make demo"
unset SFCOHORT_PASSPHRASE_FILE

if [ -t 1 ]; then B=$'\033[1m' N=$'\033[0m'; else B="" N=""; fi
say() { printf '\n%s# %s%s\n' "$B" "$*" "$N"; }
# show CMD...: prints the command as a user would type it, runs it, and
# reports a non-zero exit status without stopping the demo (exit 1 is an answer).
show() {
  printf '%s$ %s%s\n' "$B" "$*" "$N"
  local rc=0
  "$@" || rc=$?
  [ "$rc" -eq 0 ] || printf '(exit status %s)\n' "$rc"
  [ "$rc" -le 1 ] || { echo "demo: unexpected failure" >&2; exit 1; }
}

say "A new cohort database and its audit key"
show sfcohort init
cp "$EXAMPLES/cohort.csv" "$EXAMPLES/roll.csv" .

say "Import the cohort (twice: the second import changes nothing)"
show sfcohort import cohort.csv
show sfcohort import cohort.csv

say "The audit trail, and its check"
show sfcohort audit
show sfcohort audit verify
echo
echo "demo finished: its files are in $DEMO"

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
cp "$EXAMPLES"/cohort.csv "$EXAMPLES"/roll.csv "$EXAMPLES"/nomination-*.json .

say "Import the cohort (twice: the second import changes nothing)"
show sfcohort import cohort.csv
show sfcohort import cohort.csv

say "Is this person already ours? A partner's record, messy as they come"
show sfcohort lookup --given Jon --surname smith --dob 14/3/2009 --postcode hd12ab --house 12
say "A spelling variant, day and month swapped, no space in the postcode: found, and why"
show sfcohort lookup --given Aysha --surname Hussain --dob 10/04/2010 --postcode wf132jr
say "A nickname, and a date written month first (not a date: compared as written)"
show sfcohort lookup --given Liz --surname Mcdonald --dob 11/30/2007 --postcode hd21qw
say "A twin is never taken for the other: Lauren is not her sister Laura"
show sfcohort lookup --given Lauren --surname Hirst --dob 2008-09-12 --postcode "HD1 3DH" --house "Flat 3"

say "A bulk check of a school roll (a script would do this)"
show sfcohort lookup --batch roll.csv --output checked.csv
show cut -d, -f1-4,8-12 checked.csv

say "A nomination, checked against the Kirklees Local Outcome Plan"
show sfcohort check nomination-kirklees-2015.json --as-of 2026-06-30
show sfcohort nominate submit nomination-kirklees-2015.json --as-of 2026-06-30
show sfcohort nominate list
id=$(sfcohort -q nominate list --status pending --format json | jq -r '.[0].id')
show sfcohort nominate decide "$id" --accept --reason "meets criteria 2 and 5; agreed at the allocation meeting"
show sfcohort lookup --given Tyler --surname Ackroyd --dob 2014-10-02

say "The audit trail, and its check"
show sfcohort audit
show sfcohort audit verify
echo
echo "demo finished: its files are in $DEMO"

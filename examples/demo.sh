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
# refused CODE CMD...: the same for a command that must be refused with CODE.
quoted() {
  local a out=""
  for a in "$@"; do
    case "$a" in *[[:space:]\;\|\<\>]*) out+=" \"$a\"" ;; *) out+=" $a" ;; esac
  done
  printf '%s' "${out# }"
}
show() {
  printf '%s$ %s%s\n' "$B" "$(quoted "$@")" "$N"
  local rc=0
  "$@" || rc=$?
  [ "$rc" -eq 0 ] || printf '(exit status %s)\n' "$rc"
  [ "$rc" -le 1 ] || { echo "demo: unexpected failure" >&2; exit 1; }
}
refused() {
  local want=$1 rc=0
  shift
  printf '%s$ %s%s\n' "$B" "$(quoted "$@")" "$N"
  "$@" || rc=$?
  printf '(exit status %s)\n' "$rc"
  [ "$rc" -eq "$want" ] || { echo "demo: expected exit status $want" >&2; exit 1; }
}

say "A new cohort database and its audit key"
show sfcohort init
cp "$EXAMPLES"/cohort.csv "$EXAMPLES"/roll.csv "$EXAMPLES"/roll.xlsx "$EXAMPLES"/nomination-*.json .

say "Import the cohort (twice: the second import changes nothing)"
show sfcohort import cohort.csv
show sfcohort import cohort.csv

say "Learn the match weights from this cohort and a file of partners' records (a few seconds for a million people)"
show sfcohort train --queries roll.csv
show sfcohort train --show

say "Is this person already ours? A partner's record, messy as they come"
show sfcohort lookup --given Jon --surname smith --dob 14/3/2009 --postcode hd12ab --house 12
say "A spelling variant, day and month swapped, no space in the postcode: found, and why"
show sfcohort lookup --given Aysha --surname Hussain --dob 10/04/2010 --postcode wf132jr
say "A nickname, and a date written month first (not a date: compared as written)"
show sfcohort lookup --given Liz --surname Mcdonald --dob 11/30/2007 --postcode hd21qw
say "A twin is never taken for the other: Laura and Liam are possible at most, for a person to check"
show sfcohort lookup --given Lauren --surname Hirst --dob 2008-09-12 --postcode "HD1 3DH" --house "Flat 3"
say "With the sex given, only Laura is left to check; her brother Liam is named in the household"
show sfcohort lookup --given Lauren --surname Hirst --dob 2008-09-12 --postcode "HD1 3DH" --house "Flat 3" --sex F
say "The housing officer's question: is anyone at this address known?"
show sfcohort lookup --postcode "HD1 3DH" --house "Flat 3"

say "A bulk check of a school roll (a script would do this)"
show sfcohort lookup --batch roll.csv --output checked.csv
show cut -d, -f1-4,8-12 checked.csv
say "The same roll as the school sent it, an Excel workbook, answered as a workbook for the school to open"
show sfcohort lookup --batch roll.xlsx --format xlsx --output checked.xlsx

say "A nomination, checked against the Kirklees Local Outcome Plan"
show sfcohort check nomination-kirklees-2015.json --as-of 2026-06-30
show sfcohort nominate submit nomination-kirklees-2015.json --as-of 2026-06-30
show sfcohort nominate list
id=$(sfcohort -q nominate list --status pending --format json | jq -r '.[0].id')
show sfcohort nominate decide "$id" --accept --reason "meets criteria 2 and 5; agreed at the allocation meeting"
show sfcohort lookup --given Tyler --surname Ackroyd --dob 2014-10-02

say "Sharing with a partner: the team's identity, and the partner's own keys"
# No terminal input here, so the demo's keys are left unprotected (with a
# warning); real keys take a passphrase from --passphrase-file or a prompt.
show sfcohort share keygen </dev/null
sfcohort -q share pubkey > team-public.txt
printf 'untrusted comment: the team\n%s\n' "$(sed -n 2p team-public.txt)" > team.pub
mkdir partner
show age-keygen -o partner/age.key
show minisign -G -W -p partner/minisign.pub -s partner/minisign.key
show sfcohort share partner add "West Yorkshire Police" --recipient "$(age-keygen -y partner/age.key)" \
  --sign-key "$(tail -n 1 partner/minisign.pub)" --agreement isa=2024-04-01 --agreement dsp=2024-04-01 \
  --agreement mou=2024-04-01 --legal-basis "Crime and Disorder Act 1998 s115"
show sfcohort share partner add "Old Partner" --recipient "$(age-keygen -y partner/age.key)" \
  --agreement isa=2016-04-01 --agreement dsp=2016-04-01 --agreement mou=2016-04-01 --expires 2019-03-31

say "An export sealed to the partner and signed; refused for a lapsed agreement"
show sfcohort export --to "West Yorkshire Police" --output cohort-export.csv.age
refused 5 sfcohort export --to "Old Partner" --output refused.csv.age

say "The partner verifies and opens it with minisign and age alone"
show minisign -V -p team.pub -m cohort-export.csv.age
show age -d -i partner/age.key -o partner/cohort-export.csv cohort-export.csv.age
show head -n 4 partner/cohort-export.csv

say "A partner's sealed bulk check, answered with a sealed reply in one command"
show age -r "$(head -n 1 team-public.txt)" -o request.csv.age roll.csv
show minisign -S -s partner/minisign.key -m request.csv.age
show sfcohort lookup --batch request.csv.age --from "West Yorkshire Police" --to "West Yorkshire Police" --output reply.csv.age
show minisign -V -p team.pub -m reply.csv.age
show age -d -i partner/age.key -o partner/reply.csv reply.csv.age
show cut -d, -f1-3,8- partner/reply.csv

say "Next month's list: what changed, and a family that left is closed"
grep -v '^F000128,' cohort.csv | sed 's/^F000123,P0004813,/F000124,P0004813,/' >cohort-next.csv
show sfcohort import cohort-next.csv --full --changes changes.csv
show cat changes.csv
show sfcohort family close F000128 --reason "moved out of Kirklees" --outcome moved_away
show sfcohort family show F000128
show sfcohort lookup --given Robert --surname McDonald --dob 11/06/1975 --postcode "HD2 1QW" --house 5
say "A subject access request: all that is held about Jonathan, and every disclosure of him"
show sfcohort --purpose "SAR 2026/041" sar P0004812 --output sar-P0004812.txt
show cat sar-P0004812.txt
show sfcohort audit --person P0004812 --action sar
say "Retention: what is due for disposal under the schedule"
show sfcohort retention schedule
show sfcohort retention
say "Identifying families: three partners' feeds matched to the cohort"
show sfcohort evidence import "$EXAMPLES/feeds/school-attendance.csv" --indicator school_attendance_pct --source "Education Welfare" --map "date=Period End"
show sfcohort evidence import "$EXAMPLES/feeds/police-domestic-abuse.csv" --indicator dv_police_callout --source "West Yorkshire Police"
show sfcohort evidence import "$EXAMPLES/feeds/dwp-out-of-work.csv" --indicator out_of_work_benefit --source DWP --map "date=Claim Start"
show sfcohort evidence review
say "A family's record now shows what the feeds said about its people, each row with its source and feed"
show sfcohort family show F000123
say "The households not yet in the cohort that the feeds show eligible"
show sfcohort identify --new
show sfcohort identify --nominate --legal-basis "UK GDPR Art 6(1)(e); Art 9(2)(g); Children Act 2004 s10"
show sfcohort nominate list --status pending
say "The manager's report, as a table and as a page with charts"
show sfcohort report --from 2024-01-01 --target 40 --target-period 2024-01-01..2027-12-31
show sfcohort report --target 40 --target-period 2024-01-01..2027-12-31 --format html --output report.html

say "The audit trail, and its check"
show sfcohort audit --since 2000-01-01
show sfcohort audit verify
echo
echo "demo finished: its files are in $DEMO"

#!/usr/bin/env bash
# share seal / share open of a 1 GiB file against Debian's age and minisign
# doing the same job (age -e then minisign -S; minisign -V then age -d) on
# the same file, in the same run, with unprotected keys.
# Usage: bench/seal.sh [BUILD_DIR] [SIZE_MIB] [ROUNDS]
# Prints the median wall and CPU time of each, the ratios (age / sfcohort:
# above 1 means sfcohort is faster) and peak memory. Needs age, age-keygen and
# minisign and GNU time. Run it on an otherwise idle machine: sealing does more work than
# age (the BLAKE2b-512 hash for the signature) and spreads it over two
# threads, so it needs the second CPU to be free; opening also fsyncs the
# plaintext, which age does not.
#
# Every command is treated alike: it runs once untimed (its input is then in
# the page cache and its code paged in), everything dirty is synced, its
# output is removed, and it runs again, timed. Removing the output just
# before the timed run matters on virtual machines that hand freed memory
# back to the host: pages freed seconds earlier are slow to touch again, and
# whichever command ran later would pay for it.
set -euo pipefail
build=${1:-build}
size_mib=${2:-1024}
rounds=${3:-3}
sf=$(cd "$build" && pwd)/sfcohort
work=$(mktemp -d "${TMPDIR:-/tmp}/sfcohort-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export SFCOHORT_DB=$work/cohort.db SFCOHORT_KEYS=$work/keys SFCOHORT_USER=bench
unset SFCOHORT_PASSPHRASE_FILE

"$sf" -q init >/dev/null
"$sf" -q share keygen </dev/null >/dev/null
team=$("$sf" share pubkey | sed -n 1p)
sign=$("$sf" share pubkey | sed -n 2p)
# The team is its own partner here, so the sealed file can be opened and verified.
"$sf" -q share partner add Bench --recipient "$team" --sign-key "$sign" \
  --agreement isa=2020-01-01 --agreement dsp=2020-01-01 --agreement mou=2020-01-01 >/dev/null

minisign -G -W -p ms.pub -s ms.key >/dev/null
head -c $((size_mib * 1024 * 1024)) /dev/urandom >plain

# run LABEL OUTPUT CMD...: wall seconds, CPU seconds and peak KiB of the timed
# run, appended to LABEL's lists.
declare -A times cpu mem
run() {
  local label=$1 output=$2
  shift 2
  "$@" >/dev/null 2>&1
  sync
  rm -f "$output" "$output.minisig"
  /usr/bin/time -f "%e %M %U %S" -o t.out "$@" >/dev/null 2>&1
  read -r secs kib user sys <t.out
  times[$label]+="$secs "
  cpu[$label]+="$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') "
  mem[$label]=$kib
}
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for _ in $(seq "$rounds"); do
  run "age -e" age.age age -r "$team" -o age.age plain
  run "minisign -S" age.age.minisig minisign -S -s ms.key -m age.age
  run "share seal" sealed.age "$sf" -q share seal plain --to Bench --output sealed.age
  run "minisign -V" /dev/null/none minisign -V -p ms.pub -m age.age
  run "age -d" age-opened age -d -i "$SFCOHORT_KEYS/age.key" -o age-opened age.age
  run "share open" opened "$sf" -q share open sealed.age --from Bench --output opened
  cmp -s plain opened || { echo "open gave different bytes" >&2; exit 1; }
  cmp -s plain age-opened || { echo "age -d gave different bytes" >&2; exit 1; }
done

echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: ${size_mib} MiB, median of $rounds rounds (seal includes signing, open includes verifying and fsync)"
printf '%-12s %8s %8s %10s  %s\n' "" "seconds" "CPU s" "peak MiB" "all rounds"
for l in "age -e" "minisign -S" "share seal" "minisign -V" "age -d" "share open"; do
  printf '%-12s %8s %8s %10d  %s\n' "$l" "$(median "${times[$l]}")" "$(median "${cpu[$l]}")" \
    $((mem[$l] / 1024)) "${times[$l]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
sum() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a + b}'; }
stock_seal=$(sum "$(median "${times[age -e]}")" "$(median "${times[minisign -S]}")")
stock_open=$(sum "$(median "${times[minisign -V]}")" "$(median "${times[age -d]}")")
echo "seal: $(ratio "$stock_seal" "$(median "${times[share seal]}")")x the speed of age -e then minisign -S ($stock_seal s)"
echo "open: $(ratio "$stock_open" "$(median "${times[share open]}")")x the speed of minisign -V then age -d ($stock_open s)"
echo "seal: $(ratio "$(median "${times[age -e]}")" "$(median "${times[share seal]}")")x age -e alone"
echo "open: $(ratio "$(median "${times[age -d]}")" "$(median "${times[share open]}")")x age -d alone"

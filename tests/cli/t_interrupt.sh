#!/usr/bin/env bash
# A command ended part way (kill -9, SIGTERM, SIGHUP) leaves no plaintext
# behind: an output file has no name until it is complete and verified, a
# named scratch file is removed by the signal handler, and one left by a
# kill -9 is swept by a later command once no process holds it.
source "$SRC/tests/cli/lib.sh"

sf init >/dev/null 2>&1
sf share keygen >/dev/null 2>&1
TEAM_AGE=$(sf share pubkey | sed -n 1p)
age-keygen -o p.key 2>/dev/null
minisign -G -W -p p.pub -s p.sec >/dev/null
sf share partner add Police --recipient "$(age-keygen -y p.key)" --sign-key "$(tail -n 1 p.pub)" \
  --agreement isa=2020-01-01 --agreement dsp=2020-01-01 --agreement mou=2020-01-01 >/dev/null 2>&1

# A request large enough to be read in many chunks (about 1 MB).
{
  echo "given_name,surname,dob"
  for i in $(seq 1 40000); do echo "Given$i,Surname$i,2008-09-12"; done
} >big.csv
age -r "$TEAM_AGE" -o big.age big.csv
minisign -S -s p.sec -m big.age >/dev/null

# started_writing PID: waits (at most 20 s) until PID holds open a file it
# writes what it decrypted to: an unnamed one in this folder (shown as
# "#INODE (deleted)") or a scratch file in $TMPDIR.
started_writing() {
  local i
  for i in $(seq 1 200); do
    if ls -l "/proc/$1/fd" 2>/dev/null | grep -qE "$T/#[0-9]+ \(deleted\)|$TMPDIR/sfcohort-open-"; then return 0; fi
    sleep 0.1
  done
  return 1
}
# stalled_pipe NAME: a FIFO that gives the first 300 kB of big.age, then
# waits; its writer's pid in $WRITER.
stalled_pipe() {
  rm -f "$1"
  mkfifo "$1"
  cp big.age.minisig "$1.minisig"
  (head -c 300000 big.age && exec sleep 60) >"$1" 2>/dev/null &
  WRITER=$!
}
# only_these DESCRIPTION NAME...: the folder holds exactly these files (and
# the test's own), $TMPDIR nothing.
listing() { ls -A | grep -vxE 'home|tmp|keys|cohort\.db.*|big\..*|p\.(key|pub|sec)|slow\.age.*' | tr '\n' ' '; }

# share open to a file from a stalled pipe, then kill -9: no name ever held
# the decrypted part, so nothing is left.
stalled_pipe slow.age
"$SFCOHORT" share open slow.age --from Police --output opened.csv 2>/dev/null &
P=$!
if started_writing $P; then ok; else fail "share open never started writing"; fi
same "$(listing)" "" "while share open writes, no file in the folder has a name"
kill -9 $P
wait $P 2>/dev/null
kill $WRITER 2>/dev/null
same "$(listing)" "" "after kill -9 of share open, nothing is left"
same "$(ls -A "$TMPDIR")" "" "and nothing in \$TMPDIR"

# SIGTERM and SIGHUP end it as the shell expects (128 + the signal), with
# nothing left.
for sig in TERM HUP; do
  stalled_pipe slow.age
  "$SFCOHORT" share open slow.age --from Police --output opened.csv 2>/dev/null &
  P=$!
  started_writing $P || fail "share open never started writing ($sig)"
  kill -$sig $P
  wait $P
  RC=$?
  kill $WRITER 2>/dev/null
  same "$RC" "$((128 + $(kill -l $sig)))" "SIG$sig ends share open by the signal"
  same "$(listing)" "" "after SIG$sig, nothing is left"
done

# A sealed batch request decrypts into a named scratch file in $TMPDIR
# (the lookup reads it by name): SIGTERM removes it.
stalled_pipe slow.age
"$SFCOHORT" lookup --batch slow.age --from Police --to Police --output reply.csv.age 2>/dev/null &
P=$!
started_writing $P || fail "the sealed lookup never started writing"
ls "$TMPDIR"/sfcohort-open-* >/dev/null 2>&1 && ok || fail "the scratch file is where this test looks"
kill -TERM $P
wait $P
kill $WRITER 2>/dev/null
same "$(ls -A "$TMPDIR")" "" "SIGTERM removes the sealed request's scratch file"
same "$(listing)" "" "and leaves no reply"

# kill -9 cannot be handled: the scratch file stays, locked by nobody. The
# next command making a scratch file of that kind removes it once it has
# been untouched for ten minutes; a fresh one, or one a live process
# holds, it leaves.
stalled_pipe slow.age
"$SFCOHORT" lookup --batch slow.age --from Police --to Police --output reply.csv.age 2>/dev/null &
P=$!
started_writing $P || fail "the sealed lookup never started writing (kill -9)"
kill -9 $P
wait $P 2>/dev/null
kill $WRITER 2>/dev/null
left=$(ls "$TMPDIR"/sfcohort-open-* 2>/dev/null)
[ -n "$left" ] && ok || fail "kill -9 leaves the scratch file (what the sweep is for)"
touch -d '20 minutes ago' $left
touch "$TMPDIR/sfcohort-open-fresh1"
touch -d '20 minutes ago' "$TMPDIR/sfcohort-open-heldby"
(exec 9<"$TMPDIR/sfcohort-open-heldby" && flock 9 && exec sleep 60) >/dev/null 2>&1 &
HOLDER=$!
sleep 0.5
age -r "$TEAM_AGE" -o small.age <(printf 'given_name,surname,dob\nLiam,Hirst,2008-09-12\n')
minisign -S -s p.sec -m small.age >/dev/null
expect_rc 0 "a later sealed lookup" sf lookup --batch small.age --from Police --to Police --output reply.csv.age
[ ! -e "$left" ] && ok || fail "the stale scratch file is swept"
[ -e "$TMPDIR/sfcohort-open-fresh1" ] && ok || fail "a fresh scratch file is kept"
[ -e "$TMPDIR/sfcohort-open-heldby" ] && ok || fail "a scratch file a live process holds is kept"
kill $HOLDER 2>/dev/null

# The same for an output's leftover beside it (from a file system without
# unnamed files): the next write of that output sweeps it.
printf 'x' >.export.csv.tmp-Ab12Cd
touch -d '20 minutes ago' .export.csv.tmp-Ab12Cd
printf 'x' >.export.csv.tmp-Fresh1
expect_rc 0 "export" sf export --plaintext --output export.csv --purpose test
[ ! -e .export.csv.tmp-Ab12Cd ] && ok || fail "a stale output temporary is swept"
[ -e .export.csv.tmp-Fresh1 ] && ok || fail "a fresh output temporary is kept"

# An output that is a pipe (or a device such as /dev/null) is written in
# place, never replaced by a file renamed over it.
mkfifo out.fifo
cat out.fifo >got.csv &
READER=$!
expect_rc 0 "export into a pipe" sf export --plaintext --output out.fifo --purpose test
wait $READER
[ -p out.fifo ] && ok || fail "the pipe is still a pipe"
same "$(cat got.csv)" "$(cat export.csv)" "the pipe's reader got the export"

finish

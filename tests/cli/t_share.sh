#!/usr/bin/env bash
# share: keys, the partner register and its agreement checks, and every way
# a sealed file can be refused (exit 4, nothing written).
source "$SRC/tests/cli/lib.sh"

sf init >/dev/null 2>&1

# keygen without a passphrase source and without a terminal: unprotected, with a warning.
expect_rc 0 "keygen" sf share keygen
has "not protected" err "keygen warns"
expect_output share-keygen
same "$(stat -c %a "$SFCOHORT_KEYS")" "700" "key dir mode"
same "$(stat -c %a "$SFCOHORT_KEYS/age.key")" "600" "age.key mode"
same "$(stat -c %a "$SFCOHORT_KEYS/minisign.key")" "600" "minisign.key mode"
grep -q '^AGE-SECRET-KEY-1' "$SFCOHORT_KEYS/age.key" && ok || fail "age.key in age-keygen format"
expect_rc 2 "keygen refuses to overwrite" sf share keygen
has "already exist" err "keygen refusal"
one_line_error "keygen refusal"
expect_output share-keygen-again
expect_rc 0 "pubkey" sf share pubkey
same "$(wc -l <"$T/out")" "2" "pubkey prints two lines"
expect_output share-pubkey
same "$(sed -n 1p "$T/out" | cut -c1-4)" "age1" "first line is the age recipient"
same "$(sed -n 2p "$T/out" | cut -c1-2)" "RW" "second line is the minisign key"
same "$(sed -n 1p "$T/out")" "$(age-keygen -y "$SFCOHORT_KEYS/age.key")" "age-keygen -y agrees"
TEAM_AGE=$(sed -n 1p "$T/out")

age-keygen -o p.key 2>/dev/null
P_AGE=$(age-keygen -y p.key)
minisign -G -W -p p.pub -s p.sec >/dev/null
P_SIGN=$(tail -n 1 p.pub)
minisign -G -W -p other.pub -s other.sec >/dev/null

# The register.
expect_rc 2 "bad recipient" sf share partner add X --recipient age1nope --agreement isa=2020-01-01
one_line_error "bad recipient"
expect_output share-partner-bad-recipient
expect_rc 2 "bad date" sf share partner add X --recipient "$P_AGE" --agreement isa=2020-13-01
expect_rc 2 "unknown agreement" sf share partner add X --recipient "$P_AGE" --agreement nda=2020-01-01
expect_rc 2 "month-first refused" sf share partner add X --recipient "$P_AGE" --agreement isa=31/12/20
expect_rc 2 "bad --allow" sf share partner add X --recipient "$P_AGE" --allow everything
expect_rc 0 "add police" sf share partner add "West Yorkshire Police" --recipient "$P_AGE" --sign-key "$P_SIGN" \
  --agreement isa=2018-01-01 --agreement dsf=01/02/2018 --agreement mou=2018-03-01 --expires 2019-03-31 \
  --legal-basis "Crime and Disorder Act 1998 s115"
has "expired" err "add warns of the expired agreement"
expect_output share-partner-add-expired
expect_rc 0 "add school" sf share partner add "Almondbury School" --recipient "$P_AGE" --agreement isa=2020-01-01
expect_rc 0 "list" sf share partner list
has "West Yorkshire Police" out "list names the police"
has "expired" out "list shows expired"
has "missing" out "list shows missing agreements"
expect_output share-partner-list
expect_rc 0 "list json" sf share partner list --format json
same "$(jq -r '.[1].agreements.dsp' "$T/out" 2>/dev/null || python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))[1]["agreements"]["dsp"])' "$T/out")" "2018-02-01" "dsf alias stored as dsp"
expect_rc 0 "show" sf share partner show "west yorkshire police"
has "Crime and Disorder Act 1998 s115" out "show has the legal basis"
expect_output share-partner-show
expect_rc 2 "show unknown" sf share partner show "Nobody"
has "unknown partner 'Nobody'" err "unknown partner message"
expect_output share-partner-show-unknown

# Agreement checks: exit 5, nothing written.
printf 'family_id,surname\nF1,Hirst\n' >list.csv
expect_rc 5 "seal to an expired partner" sf share seal list.csv --to "West Yorkshire Police"
has "partner 'West Yorkshire Police': information sharing agreement expired on 2019-03-31" err "expired message"
has "hint: record the renewed agreement" err "expired hint"
expect_output share-seal-refused-expired
[ ! -e list.csv.age ] && ok || fail "refused seal left a file"
expect_rc 5 "seal to a partner without agreements" sf share seal list.csv --to "Almondbury School"
has "no data sharing protocol (dsp)" err "missing agreement named"
expect_output share-seal-refused-missing
expect_rc 0 "future agreement" sf share partner add "Future" --recipient "$P_AGE" \
  --agreement isa=2099-01-01 --agreement dsp=2020-01-01 --agreement mou=2020-01-01
expect_rc 5 "seal before the agreement starts" sf share seal list.csv --to Future
expect_rc 2 "seal to an unknown partner" sf share seal list.csv --to Nobody
expect_rc 2 "seal to nobody" sf share seal list.csv
expect_rc 2 "--recipient needs --reason" sf share seal list.csv --recipient "$P_AGE"
expect_rc 3 "seal a missing file" sf share seal missing.csv --recipient "$P_AGE" --reason test
mkdir -p adir
expect_rc 3 "seal a directory" sf share seal adir --recipient "$P_AGE" --reason test --output adir.age
has "adir: is a directory" err "a directory is named as one"
one_line_error "seal a directory"
expect_output share-seal-directory
[ ! -e adir.age ] && ok || fail "sealing a directory left a file"
expect_rc 3 "seal over a directory" sf share seal list.csv --recipient "$P_AGE" --reason test --output adir
has "adir: is a directory" err "an output directory is named as one"
same "$(ls -A adir | wc -l)" "0" "nothing written into the directory"
same "$(ls -A | grep -c '^\.adir\.tmp')" "0" "no temporary file beside it"
expect_rc 0 "renew" sf share partner update "West Yorkshire Police" \
  --agreement isa=2019-04-01 --agreement dsp=2019-04-01 --agreement mou=2019-04-01 --expires 2099-03-31
expect_rc 0 "seal" sf share seal list.csv --to "West Yorkshire Police"
expect_output share-seal
age -d -i p.key list.csv.age >got.csv 2>/dev/null
same "$(cat got.csv)" "$(cat list.csv)" "the partner opens it with age"
minisign -Vm list.csv.age -p "$SFCOHORT_KEYS/minisign.pub" -q && ok || fail "the partner verifies with minisign"
hasnt "family" list.csv.age.minisig "the signature holds file content"
hasnt "Hirst" list.csv.age.minisig "the signature holds file content"
expect_rc 0 "seal with --recipient and --reason" sf share seal list.csv --recipient "$P_AGE" --reason "court order 1" --output direct.age
expect_output share-seal-recipient
sqlite3 "$SFCOHORT_DB" "select detail from audit where command='share seal'" >audit.txt
grep -q '"reason":"court order 1"' audit.txt && ok || fail "reason audited"
grep -q '"to":\["West Yorkshire Police"\]' audit.txt && ok || fail "partner audited"
grep -q "\"blake2b\":\"$(b2sum list.csv.age | cut -d' ' -f1)\"" audit.txt && ok || fail "digest audited (b2sum)"

# Files from the partner.
printf 'given_name,surname,dob\nLiam,Hirst,2008-09-12\n' >req.csv
age -r "$TEAM_AGE" -o req.csv.age req.csv
minisign -S -s p.sec -m req.csv.age >/dev/null
cp req.csv.age good.age; cp req.csv.age.minisig good.age.minisig
expect_rc 0 "open" sf share open req.csv.age --from "West Yorkshire Police"
same "$(cat req.csv)" "$(printf 'given_name,surname,dob\nLiam,Hirst,2008-09-12')" "opened content"
has "signed by West Yorkshire Police" out "open names the signer"
expect_output share-open
expect_rc 0 "open to stdout" sf share open good.age --output -
same "$OUT" "$(cat req.csv)" "stdout content"
# (timeout: a pipe read twice would wait for a writer forever; fail, not hang)
# To standard output the signature is checked first, on the descriptor the
# file is then decrypted from: a pipe cannot be, so it is refused (exit 2)
# and nothing is released; unsigned input is refused too.
mkfifo pipe.age
cp good.age.minisig pipe.age.minisig
(cat good.age >pipe.age &)
expect_rc 2 "stdout from a pipe" timeout 60 "$SFCOHORT" share open pipe.age --output -
same "$OUT" "" "nothing released from a pipe"
has "not a regular file" err "the pipe refusal says why"
cp good.age unsigned.age
expect_rc 4 "stdout from an unsigned file" sf share open unsigned.age --output -
same "$OUT" "" "nothing released without a signature"
(cat good.age >pipe.age &)
expect_rc 0 "stdout from a pipe without verifying" timeout 60 "$SFCOHORT" share open pipe.age --output - --no-verify
same "$OUT" "$(cat req.csv)" "a pipe opened without verifying"

check_refused() {  # DESCRIPTION FILE [ARGS...]: exit 4, one error line, no output file
  local what=$1 file=$2
  shift 2
  rm -f refused.out
  expect_rc 4 "$what" sf share open "$file" --output refused.out "$@"
  one_line_error "$what"
  [ ! -e refused.out ] && ok || fail "$what: output file left behind"
  ls .refused.out.tmp-* >/dev/null 2>&1 && fail "$what: temporary file left behind" || ok
  [ -z "$(ls -A "$TMPDIR")" ] && ok || fail "$what: scratch file left in \$TMPDIR: $(ls -A "$TMPDIR")"
}
# A flipped byte anywhere: header, MAC, nonce, payload, last byte.
size=$(stat -c %s good.age)
for pos in 0 30 60 100 150 170 190 $((size - 1)); do
  cp good.age flip.age
  printf '\x01' | dd of=flip.age bs=1 seek=$pos conv=notrunc status=none
  b=$(od -An -tx1 -j $pos -N1 good.age | tr -d ' ')
  [ "$b" = "01" ] && printf '\x02' | dd of=flip.age bs=1 seek=$pos conv=notrunc status=none
  cmp -s good.age flip.age && fail "flip.age differs from good.age at $pos" || ok
  minisign -S -s p.sec -m flip.age >/dev/null  # a valid signature: the age layer must catch it
  check_refused "flipped byte $pos" flip.age
done
cp good.age flip.age; cp good.age.minisig flip.age.minisig
# A byte other than the one there (writing a fixed byte left the file intact
# one run in 256, when the random ciphertext ended in that byte).
last=$(od -An -tx1 -j $((size - 1)) -N1 good.age | tr -d ' ')
if [ "$last" = "01" ]; then byte='\x02'; else byte='\x01'; fi
printf "$byte" | dd of=flip.age bs=1 seek=$((size - 1)) conv=notrunc status=none
cmp -s good.age flip.age && fail "flip.age differs from good.age" || ok
check_refused "flipped byte, original signature" flip.age
for len in 0 100 199 $((size - 1)); do
  head -c $len good.age >trunc.age
  minisign -S -s p.sec -m trunc.age >/dev/null
  check_refused "truncated to $len" trunc.age
done
cp good.age nosig.age
check_refused "missing signature" nosig.age
has "no signature" err "missing signature message"
has "hint:" err "missing signature hint"
expect_output share-open-unsigned
rm -f refused.out
expect_rc 0 "--no-verify opens an unsigned file" sf share open nosig.age --no-verify --output refused.out
has "not verified" err "--no-verify warns"
expect_output share-open-no-verify
cp good.age other.age; minisign -S -s other.sec -m other.age >/dev/null
check_refused "signed by an unknown key" other.age
has "not in the partner register" err "unknown signer message"
expect_output share-open-unknown-signer
cp good.age wrongsig.age; cp good.age.minisig wrongsig.age.minisig
# Change the global signature's first character (to A, or to B if it was A).
if [ "$(sed -n 4p wrongsig.age.minisig | cut -c1)" = A ]; then sed -i '4s/^./B/' wrongsig.age.minisig; else sed -i '4s/^./A/' wrongsig.age.minisig; fi
cmp -s good.age.minisig wrongsig.age.minisig && fail "the signature was not altered" || ok
check_refused "altered signature" wrongsig.age
printf 'not a signature\n' >junk.age.minisig; cp good.age junk.age
check_refused "junk signature" junk.age
expect_rc 0 "partner without a key" sf share partner add "Keyless" --recipient "$P_AGE" --agreement isa=2020-01-01 --agreement dsp=2020-01-01 --agreement mou=2020-01-01
check_refused "--from a partner without a signing key" good.age --from Keyless
# Sealed to someone else.
age -r "$P_AGE" -o notours.age req.csv; minisign -S -s p.sec -m notours.age >/dev/null
check_refused "not sealed to the team" notours.age
has "no identity matches" err "wrong key message"
expect_output share-open-not-ours
expect_rc 2 "open a name without .age and no --output" sf share open req.csv

# Every open and seal is in the audit trail.
same "$(sqlite3 "$SFCOHORT_DB" "select count(*) from audit where command='share open'")" "4" "opens audited (three and the pipe opened unverified)"

# Removing a partner.
expect_rc 0 "remove" sf share partner remove "Almondbury School"
expect_output share-partner-remove
expect_rc 2 "remove again" sf share partner remove "Almondbury School"
finish

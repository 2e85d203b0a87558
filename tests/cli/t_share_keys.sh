#!/usr/bin/env bash
# Team keys protected by a passphrase (from --passphrase-file or
# $SFCOHORT_PASSPHRASE_FILE; the unit tests cover the formats with minisign
# itself): minisign's own scrypt for minisign.key (slow by
# design: 1 GiB, a few seconds) and an age passphrase file for age.key.
source "$SRC/tests/cli/lib.sh"

sf init >/dev/null 2>&1
printf 'team passphrase\n' >pw
printf 'wrong\n' >bad
expect_rc 0 "protected keygen" sf share keygen --passphrase-file pw
expect_output share_keys-keygen
hasnt "not protected" err "no warning when protected"
head -n 1 "$SFCOHORT_KEYS/age.key" | grep -q -- '-----BEGIN AGE ENCRYPTED FILE-----' && ok || fail "age.key is an armored age file"
hasnt AGE-SECRET-KEY keys/age.key "age.key holds the secret in clear"
expect_rc 0 "pubkey needs no passphrase" sf share pubkey
TEAM_AGE=$(sed -n 1p "$T/out")

age-keygen -o p.key 2>/dev/null
minisign -G -W -p p.pub -s p.sec >/dev/null
sf share partner add P --recipient "$(age-keygen -y p.key)" --sign-key "$(tail -n 1 p.pub)" \
  --agreement isa=2020-01-01 --agreement dsp=2020-01-01 --agreement mou=2020-01-01 >/dev/null 2>&1
printf 'a,b\n1,2\n' >f.csv

expect_rc 4 "seal without the passphrase" sf share seal f.csv --to P
has "passphrase" err "says a passphrase is needed"
has "hint: give --passphrase-file" err "hint names the options"
expect_output share_keys-seal-no-passphrase
[ ! -e f.csv.age ] && ok || fail "no output without the key"
SFCOHORT_PASSPHRASE_FILE=pw expect_rc 0 "seal with \$SFCOHORT_PASSPHRASE_FILE" sf share seal f.csv --to P
minisign -Vm f.csv.age -p "$SFCOHORT_KEYS/minisign.pub" -q && ok || fail "minisign verifies"

age -r "$TEAM_AGE" -o in.age f.csv
minisign -S -s p.sec -m in.age >/dev/null
# (A wrong passphrase is tried on age.key, which unlocks in about a second;
# minisign.key takes several by design, so the unit tests cover it.)
expect_rc 4 "open with a wrong passphrase" sf share open in.age --passphrase-file bad
has "wrong passphrase" err "wrong passphrase message"
expect_output share_keys-open-wrong-passphrase
[ ! -e in ] && ok || fail "no output after a wrong passphrase"
expect_rc 0 "open with the passphrase" sf share open in.age --passphrase-file pw
same "$(cat in)" "$(cat f.csv)" "opened"
finish

#!/usr/bin/env bash
# share seal/open against Debian's age and minisign, both ways, at the chunk
# boundaries (0, 1, 64 KiB-1, 64 KiB, 64 KiB+1) and a few MiB, binary and
# armored; and a passphrase (scrypt) file made by `age -p`.
source "$SRC/tests/cli/lib.sh"
command -v age >/dev/null && command -v minisign >/dev/null || { echo "age and minisign are needed"; exit 1; }

sf init >/dev/null 2>&1
expect_rc 0 "keygen" sf share keygen
TEAM_AGE=$(sf share pubkey | sed -n 1p)
# The partner's side: only the standard tools.
age-keygen -o partner.key 2>/dev/null
minisign -G -W -p partner.pub -s partner.sec >/dev/null
expect_rc 0 "partner add" sf share partner add "NHS Trust" --recipient "$(age-keygen -y partner.key)" \
  --sign-key "$(tail -n 1 partner.pub)" --agreement isa=2020-01-01 --agreement dsp=2020-01-01 --agreement mou=2020-01-01

for n in 0 1 65535 65536 65537 3500000; do
  for armor in "" "--armor"; do
    head -c "$n" /dev/urandom >"plain$n"
    # Ours, opened by age and verified by minisign.
    expect_rc 0 "seal $n $armor" sf share seal "plain$n" --to "NHS Trust" $armor
    age -d -i partner.key "plain$n.age" >"got$n" 2>"$T/err"
    if cmp -s "plain$n" "got$n"; then ok; else fail "age -d of our $n-byte file $armor"; fi
    if minisign -Vm "plain$n.age" -p "$SFCOHORT_KEYS/minisign.pub" -q; then ok; else fail "minisign -V of our $n-byte file $armor"; fi
    if [ -n "$armor" ]; then
      same "$(head -n 1 "plain$n.age")" "-----BEGIN AGE ENCRYPTED FILE-----" "armored $n"
      ageflag=-a
    else
      same "$(head -c 21 "plain$n.age")" "age-encryption.org/v1" "binary $n"
      ageflag=
    fi
    # Theirs, opened and verified by us.
    age $ageflag -r "$TEAM_AGE" -o "in$n.age" "plain$n"
    minisign -S -s partner.sec -m "in$n.age" >/dev/null
    rm -f "in$n"
    expect_rc 0 "open age's $n-byte file $armor" sf share open "in$n.age"
    if cmp -s "plain$n" "in$n"; then ok; else fail "our open of age's $n-byte file $armor"; fi
    rm -f "plain$n"* "got$n" "in$n"*
  done
done
# minisign itself signs with our (unprotected) secret key file.
printf 'x\n' >m.txt
minisign -S -s "$SFCOHORT_KEYS/minisign.key" -m m.txt >/dev/null 2>&1 && ok || fail "minisign -S with our minisign.key"
minisign -Vm m.txt -p "$SFCOHORT_KEYS/minisign.pub" -q && ok || fail "minisign -V of that signature"
# A one-recipient empty file is exactly 200 bytes, as age writes it.
: >empty
sf share seal empty --to "NHS Trust" >/dev/null
same "$(stat -c %s empty.age)" "200" "empty file size"

# A passphrase file from `age -p` (the prompt needs a terminal: script(1),
# which needs a pseudo-terminal; without one, this part is reported skipped).
if ! script -qec true /dev/null >/dev/null 2>&1; then
  skip "passphrase file from age -p: script(1) cannot open a pseudo-terminal here"
else
  printf 'for the team\n' >data.txt
  printf 'secret words\nsecret words\n' | script -qec "age -p -o data.txt.age data.txt" /dev/null >/dev/null 2>&1
  minisign -S -s partner.sec -m data.txt.age >/dev/null
  printf 'secret words\n' >pw
  rm -f data.txt.out
  expect_rc 0 "open a passphrase file" sf share open data.txt.age --passphrase-file pw --output data.txt.out
  same "$(cat data.txt.out)" "for the team" "passphrase file content"
  printf 'wrong\n' >badpw
  expect_rc 4 "wrong passphrase" sf share open data.txt.age --passphrase-file badpw --output bad.out
  [ ! -e bad.out ] && ok || fail "wrong passphrase left an output file"
fi
finish

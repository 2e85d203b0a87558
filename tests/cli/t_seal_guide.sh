#!/usr/bin/env bash
# The partner's guide, sfcohort-partner-guide(7), step by step: the partner
# uses only age and minisign (their key unprotected here, -W, to keep the
# test fast; the guide's password only changes how the key is stored).
source "$SRC/tests/cli/lib.sh"

sf init >/dev/null 2>&1
sf import "$SRC/examples/cohort.csv" >/dev/null 2>&1
sf share keygen >/dev/null 2>&1
sf share pubkey >team.txt
TEAM_AGE=$(sed -n 1p team.txt)
TEAM_SIGN=$(sed -n 2p team.txt)

# Step 2: the partner's keys.
age-keygen -o partner-age.key 2>/dev/null
minisign -G -W -p partner-minisign.pub -s partner-minisign.key >/dev/null
# Step 3: the team registers the two public lines.
expect_rc 0 "register the partner" sf share partner add "Greenhead College" \
  --recipient "$(age-keygen -y partner-age.key)" --sign-key "$(sed -n 2p partner-minisign.pub)" \
  --agreement isa=2024-04-01 --agreement dsp=2024-04-01 --agreement mou=2024-03-15

# Step 4: the partner sends a file.
printf 'forename,surname,date_of_birth\nJon,Smith,14/03/2009\n' >request.csv
age -r "$TEAM_AGE" -o request.csv.age request.csv
minisign -S -s partner-minisign.key -m request.csv.age >/dev/null
expect_rc 0 "the team opens it" sf share open request.csv.age --from "Greenhead College"
expect_output seal_guide-open
same "$(cat request.csv)" "$(printf 'forename,surname,date_of_birth\nJon,Smith,14/03/2009')" "request content"

# Step 5: the team replies; the partner verifies, then decrypts.
expect_rc 0 "the team exports to the partner" sf export --to "Greenhead College" --family F000123 --output reply.csv.age
expect_output seal_guide-export
run minisign -V -P "$TEAM_SIGN" -m reply.csv.age
same "$RC" "0" "minisign -V -P verifies the reply"
has "Signature and comment signature verified" out "minisign's words, as the guide says"
has "file:reply.csv.age" out "the trusted comment names the file"
expect_rc 0 "age -d opens the reply" age -d -i partner-age.key -o reply.csv reply.csv.age
grep -q '^F000123,' reply.csv && ok || fail "reply content"

# The failures the guide describes.
age-keygen -o stranger.key 2>/dev/null
run age -d -i stranger.key -o x reply.csv.age
has "no identity matched any of the recipients" err "guide: wrong key message"
minisign -G -W -p other.pub -s other.sec >/dev/null
run minisign -V -P "$(sed -n 2p other.pub)" -m reply.csv.age
[ "$RC" -ne 0 ] && ok || fail "guide: another key does not verify"
has "but the key id in the public key is" err "guide: key id mismatch message"
finish

#!/usr/bin/env bash
# A partner's sealed bulk-check request answered with a sealed reply in one
# command; the partner uses only age and minisign. The reply holds only the
# band, whether the person or household is known, and the lead agency.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-01-15

sf init >/dev/null
sf import "$SRC/examples/cohort.csv" >/dev/null
sf share keygen >/dev/null 2>&1
sf share pubkey > team.txt
printf 'untrusted comment: team\n%s\n' "$(sed -n 2p team.txt)" > team.pub
mkdir partner
age-keygen -o partner/age.key 2>/dev/null
minisign -G -W -p partner/ms.pub -s partner/ms.key >/dev/null
add_partner() {
  sf share partner add "$1" --recipient "$(age-keygen -y partner/age.key)" --sign-key "$(tail -n 1 partner/ms.pub)" \
    --agreement isa=2024-01-01 --agreement dsp=2024-01-01 --agreement mou="$2" >/dev/null
}
add_partner "West Yorkshire Police" 2024-01-01
add_partner "Lapsed Partner" 2024-01-01
sf share partner update "Lapsed Partner" --expires 2025-01-01 >/dev/null 2>&1

# The partner seals and signs a request with the standard tools.
cp "$SRC/examples/roll.csv" request.csv
age -r "$(head -n 1 team.txt)" -o request.csv.age request.csv
minisign -S -s partner/ms.key -m request.csv.age >/dev/null

expect_rc 0 "sealed request, sealed reply" sf lookup --batch request.csv.age --from "West Yorkshire Police" \
  --to "West Yorkshire Police" --output reply.csv.age
has "sealed reply for West Yorkshire Police" err "reply summary"
expect_output lookup_sealed-reply
[ -f reply.csv.age ] && [ -f reply.csv.age.minisig ] && ok || fail "no sealed reply and signature"
run minisign -V -p team.pub -m reply.csv.age
same "$RC" "0" "the partner verifies the reply with minisign"
run age -d -i partner/age.key -o reply.csv reply.csv.age
same "$RC" "0" "the partner opens the reply with age"
same "$(head -n 1 reply.csv)" "upn,forename,surname,date_of_birth,postcode,house_number,year_group,match,known,lead_agency,lead_contact" "reply columns"
same "$(grep '^A123,' reply.csv)" "A123,Jon,smith,14/3/2009,hd12ab,12,Y12,strong,person,Family Intervention Project,01484 000101" "a known person"
same "$(grep '^A125,' reply.csv | cut -d, -f8,9)" "possible,household" "a twin: possible for review, household known, person not"
same "$(grep '^A133,' reply.csv | cut -d, -f8-)" "none,no,," "not known"
for secret in P0004812 F000123 0.98 variant Laura; do
  hasnt "$secret" reply.csv "the reply leaks it"
done
ls -a | grep -q sfcohort-reply && fail "scratch files left behind" || ok
[ -z "$(ls -A "$TMPDIR")" ] && ok || fail "scratch files left in \$TMPDIR: $(ls -A "$TMPDIR")"
expect_rc 0 "audit" sf audit --format json
has '"lookup reply reply.csv.age"' out "the reply is audited"
has '"lookup request request.csv.age"' out "the request is audited"
has '"verified": true' out "the request's signature was checked"

# A sealed request without --to: results in the clear for the team.
expect_rc 0 "sealed request, plain results" sf lookup --batch request.csv.age --output team.csv
expect_output lookup_sealed-plain-results
grep -q "^A123,.*,strong,[01]\.[0-9]*,F000123,P0004812," team.csv && ok || fail "team results lack ids"

# Refusals: nothing looked up, nothing written.
before=$(sqlite3 "$SFCOHORT_DB" "select count(*) from audit where detail not like '%\"refused\":%'")
expect_rc 2 "unknown partner" sf lookup --batch request.csv --to "Nobody" --output r.age
has "unknown partner 'Nobody'" err "unknown partner named"
expect_output lookup_sealed-unknown-partner
expect_rc 5 "expired agreement" sf lookup --batch request.csv --to "Lapsed Partner" --output r.age
expect_output lookup_sealed-expired
same "$(sqlite3 "$SFCOHORT_DB" "select count(*) from audit where detail not like '%\"refused\":%'")" "$before" "refusals look nothing up"
[ ! -e r.age ] && ok || fail "a refused reply was written"
expect_rc 2 "--to needs --output" sf lookup --batch request.csv --to "West Yorkshire Police"
cp request.csv.age tampered.age
cp request.csv.age.minisig tampered.age.minisig
# A byte other than the one there: a fixed byte would leave the random
# ciphertext intact one run in 256.
if [ "$(od -An -tx1 -j 400 -N1 request.csv.age | tr -d ' ')" = "58" ]; then byte=Y; else byte=X; fi
printf '%s' "$byte" | dd of=tampered.age bs=1 seek=400 conv=notrunc 2>/dev/null
cmp -s request.csv.age tampered.age && fail "tampered.age differs from the request" || ok
expect_rc 4 "a tampered request" sf lookup --batch tampered.age --to "West Yorkshire Police" --output r.age
expect_output lookup_sealed-tampered
[ ! -e r.age ] && ok || fail "a reply to a tampered request was written"
cp request.csv.age unsigned.age
expect_rc 4 "an unsigned request" sf lookup --batch unsigned.age --output r.csv
has "no signature" err "unsigned request message"
expect_output lookup_sealed-unsigned
expect_rc 0 "an unsigned request with --no-verify" sf lookup --batch unsigned.age --no-verify --output r.csv
has "was not verified" err "warned"
expect_output lookup_sealed-no-verify
finish

#!/usr/bin/env bash
# export: sealed to partners (opened by age, verified by minisign), the
# agreement and profile refusals, --recipient with --reason, --plaintext, and
# the audit trail.
source "$SRC/tests/cli/lib.sh"

sf init >/dev/null 2>&1
sf import "$SRC/examples/cohort.csv" >/dev/null 2>&1
sf share keygen >/dev/null 2>&1
age-keygen -o p.key 2>/dev/null
P_AGE=$(age-keygen -y p.key)
sf share partner add "West Yorkshire Police" --recipient "$P_AGE" --agreement isa=2018-01-01 \
  --agreement dsp=2018-01-01 --agreement mou=2018-01-01 --expires 2019-03-31 >/dev/null 2>&1
sf share partner add "NHS Trust" --recipient "$P_AGE" --agreement isa=2020-01-01 \
  --agreement dsp=2020-01-01 --agreement mou=2020-01-01 >/dev/null 2>&1
people=$(db_query "select count(*) from person p join family f on f.id=p.family_id where f.status='cohort'")

# Refusals: exit 5, no file.
expect_rc 5 "expired partner" sf export --to "West Yorkshire Police" --output c.csv.age
has "partner 'West Yorkshire Police': information sharing agreement expired on 2019-03-31" err "expired message"
has "hint: record the renewed agreement with: sfcohort share partner update" err "expired hint"
one_line_error "expired partner"
expect_output export-refused-expired
[ ! -e c.csv.age ] && ok || fail "refused export left a file"
expect_rc 5 "full to a basic partner" sf export --to "NHS Trust" --fields full --output c.csv.age
has "basic" err "profile refusal names the profile"
expect_output export-refused-profile
expect_rc 5 "full to a bare recipient" sf export --recipient "$P_AGE" --reason test --fields full --output c.csv.age
expect_rc 2 "--recipient without --reason" sf export --recipient "$P_AGE" --output c.csv.age
expect_output export-recipient-without-reason
expect_rc 2 "no destination" sf export --output c.csv.age
expect_rc 2 "sealed export needs --output" sf export --to "NHS Trust"
expect_rc 2 "unknown partner" sf export --to "Nobody" --output c.csv.age
expect_rc 2 "unknown family" sf export --to "NHS Trust" --family F999 --output c.csv.age
expect_rc 2 "bad --fields" sf export --to "NHS Trust" --fields everything --output c.csv.age
[ ! -e c.csv.age ] && ok || fail "refused export left a file"
same "$(db_query "select count(*) from audit where command='export' and detail not like '%\"refused\":%'")" "0" "refusals are not exports"

# Sealed to a partner: the standard tools open and verify it.
expect_rc 0 "export to a partner" sf export --to "NHS Trust" --output c.csv.age
has "exported $people people" out "summary counts people"
expect_output export-sealed
age -d -i p.key c.csv.age >c.csv 2>/dev/null && ok || fail "age -d opens the export"
same "$(head -n 1 c.csv)" "family_id,person_id,given_name,middle_names,surname,dob,sex,role,postcode,house,address,joined_on,lead_agency,lead_contact" "basic columns"
same "$(($(wc -l <c.csv) - 1))" "$people" "one row per person"
grep -q '^F000123,P0004812,Jonathan,Paul,Smith,2009-03-14,M,child,HD1 2AB,12,' c.csv && ok || fail "a known person's row"
minisign -Vm c.csv.age -p "$SFCOHORT_KEYS/minisign.pub" -q && ok || fail "minisign -V verifies the export"
tc=$(sed -n 3p c.csv.age.minisig)
case "$tc" in "trusted comment: "*) ok ;; *) fail "trusted comment line" ;; esac
for word in Smith Jonathan "HD1 2AB" 2009-03-14 F000123 P0004812; do
  case "$tc" in *"$word"*) fail "trusted comment holds personal data ($word)" ;; *) ok ;; esac
done
row=$(db_query "select subject||'|'||detail from audit where command='export'")
case "$row" in *'"to":["NHS Trust"]'*) ok ;; *) fail "audit: to whom ($row)" ;; esac
case "$row" in *'"families":["F'*) ok ;; *) fail "audit: which families" ;; esac
case "$row" in *"\"blake2b\":\"$(b2sum c.csv.age | cut -d' ' -f1)\""*) ok ;; *) fail "audit: the file's digest" ;; esac

# Armored, JSON, one family.
expect_rc 0 "armored json export of one family" sf export --to "NHS Trust" --family F000123 --format json --armor --output f.json.age
expect_output export-one-family
same "$(head -n 1 f.json.age)" "-----BEGIN AGE ENCRYPTED FILE-----" "armored"
age -d -i p.key f.json.age >f.json 2>/dev/null
python3 -c 'import json,sys; d=json.load(open("f.json")); assert all(r["family_id"]=="F000123" for r in d) and len(d)>0; assert list(d[0])[0]=="family_id"' && ok || fail "json rows of one family"

# --recipient with --reason, audited with the reason.
expect_rc 0 "export to a bare recipient" sf export --recipient "$P_AGE" --reason "court order 2024/117" --output r.csv.age
age -d -i p.key r.csv.age >/dev/null 2>&1 && ok || fail "bare recipient opens it"
db_query "select detail from audit where command='export'" | grep -q '"reason":"court order 2024/117"' && ok || fail "reason audited"

# Plain text only when asked.
expect_rc 0 "plaintext to stdout" sf export --plaintext
same "$(head -n 1 "$T/out" | cut -d, -f1-3)" "family_id,person_id,given_name" "plaintext csv"
expect_output export-plaintext
expect_rc 0 "plaintext to a file" sf export --plaintext --output plain.csv
expect_output export-plaintext-file
same "$(stat -c %a plain.csv)" "600" "plaintext file is owner-only"
db_query "select detail from audit where command='export'" | grep -q '"plaintext":true' && ok || fail "plaintext audited"
expect_rc 2 "--plaintext with --to" sf export --plaintext --to "NHS Trust"

# An --output in a folder that is not there: one error, a hint naming the
# folder, nothing written, whether sealed, plain or a workbook.
expect_rc 3 "sealed export to a missing folder" sf export --to "NHS Trust" --output no/such/c.csv.age
one_line_error "sealed export to a missing folder"
expect_output export-missing-folder
for how in "--plaintext" "--plaintext --format xlsx"; do
  expect_rc 3 "$how to a missing folder" sf export $how --output no/such/c.out
  one_line_error "$how to a missing folder"
  has "sfcohort: hint: the folder no/such does not exist: create it or choose another" err "$how: hint"
done
[ ! -e no ] && ok || fail "an export to a missing folder made it"

# --fields full: from accepted nominations, only for a partner allowed it,
# only families with consent given; the others withheld and audited.
expect_rc 0 "nominate template" sf nominate template
cp "$T/out" n1.json
python3 - <<'PY'
import json
d = json.load(open("n1.json"))
d["household"]["address"]["postcode"] = "WF13 2JR"
d["members"] = [{"id": "m1", "given_name": "Amy", "surname": "Nocon", "dob": "1990-01-01",
                 "sex": "F", "role": "adult", "relationship": "mother"}]
d["evidence"] = []
d["consent"] = {"given": False, "date": "2024-01-01", "by": "Amy Nocon"}
json.dump(d, open("n2.json", "w"))
PY
expect_rc 0 "submit a family with consent" sf nominate submit n1.json
expect_rc 0 "accept it" sf nominate decide N000001 --accept --reason "test"
expect_rc 0 "submit a family without consent" sf nominate submit n2.json
expect_rc 0 "accept it" sf nominate decide N000002 --accept --reason "test"
F_OK=$(db_query "select family_id from nomination where id='N000001'")
F_NO=$(db_query "select family_id from nomination where id='N000002'")
expect_rc 0 "a partner allowed the full profile" sf share partner add "Full Partner" --recipient "$P_AGE" \
  --agreement isa=2020-01-01 --agreement dsp=2020-01-01 --agreement mou=2020-01-01 --allow full
expect_rc 0 "full export" sf export --to "Full Partner" --fields full --family "$F_OK" --family "$F_NO" --output full.csv.age
has "family $F_NO withheld: consent was refused" err "withheld family listed on stderr"
expect_output export-full-withheld
age -d -i p.key full.csv.age >full.csv 2>/dev/null
same "$(head -n 1 full.csv | cut -d, -f15-)" "criteria_met,evidence,agencies,consent" "full columns"
grep -q "^$F_OK," full.csv && ok || fail "consenting family exported"
if [ -s full.csv ] && [ -n "$F_NO" ] && ! grep -q "^$F_NO," full.csv; then ok; else fail "family without consent exported"; fi
grep -q 'school_attendance_pct' full.csv && ok || fail "evidence exported"
db_query "select detail from audit where command='export' order by seq desc limit 1" | grep -q "\"withheld\":\[{\"family_id\":\"$F_NO\",\"reason\":\"consent was refused\"}\]" && ok || fail "withheld family audited"
expect_rc 0 "full export as json" sf export --plaintext --fields full --format json --family "$F_OK"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["criteria_met"]==[2,5] and d[0]["consent"]["given"] is True' "$T/out" && ok || fail "full json fields"

# Formula injection is guarded in what partners receive.
printf 'family_id,person_id,surname,dob,given_name\nF9,P9,=HYPERLINK("x"),2010-01-01,Ann\n' >evil.csv
expect_rc 0 "import a formula-like surname" sf import evil.csv
expect_rc 0 "export it" sf export --plaintext --family F9
grep -q "'=HYPERLINK" "$T/out" && ok || fail "formula guarded"
finish

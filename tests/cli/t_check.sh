#!/usr/bin/env bash
# sfcohort check: a nomination file or a cohort family against each shipped
# set, the edges of the rules through the command line, text and JSON output,
# and every kind of bad input refused with exit 2 (or 3 for a missing file).
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-07-01

# nom FILE ATTENDANCE CALLOUT_DATE CHILD_DOB: the contract's example household.
nom() {
  cat >"$1" <<JSON
{
  "criteria_set": "kirklees-2015",
  "nominated_by": {"name": "A Officer", "agency": "Huddersfield High School", "email": "a.officer@example.org"},
  "household": {"address": {"house": "12", "street": "Example Street", "town": "Huddersfield", "postcode": "HD1 2AB"}},
  "members": [
    {"id": "m1", "given_name": "Sarah", "middle_names": "", "surname": "Hirst", "dob": "1985-04-02",
     "sex": "F", "role": "adult", "relationship": "mother"},
    {"id": "c1", "given_name": "Liam", "surname": "Hirst", "dob": "$4", "sex": "M",
     "role": "child", "relationship": "son"}
  ],
  "evidence": [
    {"indicator": "school_attendance_pct", "member": "c1", "date": "2018-03-31", "value": $2, "source": "Education"},
    {"indicator": "dv_police_callout", "member": "m1", "date": "$3", "source": "West Yorkshire Police"}
  ],
  "agencies": [{"name": "Family Intervention Project", "role": "keyworker", "contact": "01484 000000", "lead": true}],
  "consent": {"given": true, "date": "2018-04-20", "by": "Sarah Hirst"},
  "legal_basis": "UK GDPR Art 6(1)(e); Art 9(2)(g); Children Act 2004 s10"
}
JSON
}

# No database is needed to check a file.
nom n.json 84.5 2018-02-14 2008-09-12
expect_rc 0 "the contract's example is eligible" sf check n.json --as-of 2018-05-01
has "kirklees-2015 (2 or more of 6) as of 2018-05-01: ELIGIBLE — criteria 2, 5 met" out "headline"
has "Liam: attendance 84.5% < 90% on 2018-03-31" out "reason for 2"
has "✗ 1 Crime/ASB" out "unmet criteria listed"
expect_output check-eligible
[ ! -e "$SFCOHORT_DB" ] && ok || fail "check of a file created a database"

expect_rc 0 "json output" sf check n.json --as-of 01/05/2018 --format json
same "$(jq -c '[.criteria_set, .as_of, .threshold, .met, .eligible]' "$T/out")" \
  '["kirklees-2015","2018-05-01",2,[2,5],true]' "contract keys"
same "$(jq -c '.criteria[] | select(.id == 2) | .because[0]' "$T/out")" \
  '{"indicator":"school_attendance_pct","member":"c1","detail":"attendance 84.5% < 90% on 2018-03-31"}' \
  "because names the member id"
same "$(jq -c '.notes' "$T/out")" "[]" "no notes"

# Edges: exactly 90% attendance, and the same household with the call-out
# 12 months and a day before --as-of.
nom edge.json 90 2018-02-14 2008-09-12
expect_rc 1 "exactly 90% attendance is not below 90%" sf check edge.json --as-of 2018-05-01
has "NOT ELIGIBLE — criterion 5 met, 2 needed" out "headline"
has "attendance 90% >= 90% on 2018-03-31" out "why 2 is not met"
expect_output check-not-eligible
nom old.json 84.5 2017-04-30 2008-09-12
expect_rc 1 "a call-out 12 months and a day ago does not count" sf check old.json --as-of 2018-05-01
has "is before the last 12 months (from 2017-05-01)" out "why 5 is not met"
nom grown.json 84.5 2018-02-14 1999-09-12
expect_rc 1 "one call-out without a child present" sf check grown.json --as-of 2018-05-01
has "no child in the household" out "why"

# The national sets: a dependent child is required.
expect_rc 0 "troubled-families-2015 with a child" sf check n.json --criteria troubled-families-2015 --as-of 2018-05-01
has "✓ requires a dependent child" out "requirement shown"
sed 's/"role": "child"/"role": "adult"/' grown.json >adults.json
expect_rc 1 "troubled-families-2015 without a dependent child" sf check adults.json --criteria troubled-families-2015 --as-of 2018-05-01
has "NOT ELIGIBLE — no dependent child" out "headline says why"
expect_output check-no-dependent-child
expect_rc 1 "supporting-families-2022 needs 3 needs" sf check n.json --criteria supporting-families-2022 --as-of 2018-05-01 --format json
same "$(jq -c '[.count, .needs_met, .eligible]' "$T/out")" '["needs",["1a","8a"],false]' "two needs"

jq '.members |= map(select(.id == "m1")) | .evidence = [
      {"indicator": "adult_mental_health", "member": "m1", "date": "2018-01-01"},
      {"indicator": "homelessness_risk", "date": "2018-01-01"},
      {"indicator": "parental_conflict", "date": "2018-01-01"}]' n.json >alone.json
expect_rc 1 "supporting-families-2022 without a child or an expectant parent" \
  sf check alone.json --criteria supporting-families-2022 --as-of 2018-05-01
has "NOT ELIGIBLE — no dependent child or expectant parent; 3 needs met (3a, 5a, 9a)" out "headline"
# 3 needs (3a, 3c, 2b) in 2 headline areas.
jq '.evidence = [{"indicator": "adult_mental_health", "member": "m1", "date": "2018-01-01"},
                 {"indicator": "physical_health", "member": "m1", "date": "2018-01-01"},
                 {"indicator": "expectant_parent", "member": "m1", "date": "2018-03-01"}]' alone.json >expecting.json
expect_rc 0 "... and with an expectant parent" sf check expecting.json --criteria supporting-families-2022 --as-of 2018-05-01
has "ELIGIBLE — 3 needs met (2b, 3a, 3c)" out "needs"
expect_output check-needs-eligible
expect_rc 1 "... counting headline areas" sf check expecting.json --criteria supporting-families-2022 --as-of 2018-05-01 --count criteria
has "(3 or more of 10)" out "headline mode"
expect_rc 2 "bad --count" sf check n.json --count headlines

# Each example is eligible under its own set.
for f in kirklees-2015:2026-06-30 troubled-families-2015:2018-05-01 supporting-families-2022:2026-06-30; do
  expect_rc 0 "examples/nomination-${f%%:*}.json" sf check "$SRC/examples/nomination-${f%%:*}.json" --as-of "${f#*:}"
  has "${f%%:*} (" out "the file's own set is used"
done

# An adapted set read from a file.
sed 's/"threshold": 2/"threshold": 1/; s/"name": "kirklees-2015"/"name": "kirklees-lenient"/' \
  "$SRC/schema/criteria/kirklees-2015.json" >lenient.json
expect_rc 0 "--criteria PATH" sf check edge.json --criteria ./lenient.json --as-of 2018-05-01
has "kirklees-lenient (1 or more of 6)" out "the adapted set"

# Bad input.
expect_rc 2 "unknown set" sf check n.json --criteria kirklees-2051
one_line_error "unknown set"
has "unknown criteria set 'kirklees-2051'" err "message"
has "hint: the shipped sets are: kirklees-2015, supporting-families-2022, troubled-families-2015" err "hint"
expect_output check-unknown-set
expect_rc 3 "a set file that is missing" sf check n.json --criteria ./nope.json
expect_rc 2 "bad --as-of" sf check n.json --as-of 31/02/2018
has "--as-of: '31/02/2018' is not a date" err "message"
expect_rc 2 "bad --format" sf check n.json --format xml
sed 's/school_attendance_pct/school_atendance_pct/' n.json >typo.json
expect_rc 2 "unknown indicator" sf check typo.json
one_line_error "unknown indicator"
has "sfcohort: error: typo.json: evidence[0].indicator: unknown indicator 'school_atendance_pct' (did you mean school_attendance_pct?)" err "nearest code"
expect_output check-unknown-indicator
# Every error in a file at once, each on its line with its JSON path: a bad
# date, an unknown key and an unknown indicator, structure and vocabulary.
sed -e 's/school_attendance_pct/school_atendance_pct/' -e 's/"dob": "1985-04-02"/"dob": "31\/02\/1985"/' \
  -e 's/"relationship": "mother"/"relationship": "mother", "nickname": "Sal"/' n.json >three.json
expect_rc 2 "three errors in one file" sf check three.json
same "$(grep -c '^sfcohort: error: three.json: ' "$T/err")" 3 "three errors, three lines"
expect_output check-three-errors
printf '{"members": [' >broken.json
expect_rc 2 "malformed JSON" sf check broken.json
has "broken.json: not valid JSON at line 1" err "line"
expect_rc 3 "missing file" sf check missing.json
expect_rc 2 "no target" sf check

# A family in the database: its recorded evidence, audited.
sf init >/dev/null
expect_rc 2 "unknown family" sf check F404
has "no family 'F404' in the cohort" err "message"
expect_output check-unknown-family
expect_rc 0 "submit a nomination" sf nominate submit n.json --as-of 2018-05-01
expect_rc 0 "accept it" sf nominate decide N000001 --accept --reason "criteria 2 and 5"
fam=$(db_query "select family_id from nomination where id='N000001'")
expect_rc 0 "a cohort family checks from its evidence" sf check "$fam" --as-of 2018-05-01 --format json
same "$(jq -c '.met' "$T/out")" "[2,5]" "criteria met"
pid=$(db_query "select id from person where given_name='Liam'")
same "$(jq -r '.criteria[] | select(.id == 2) | .because[0].member' "$T/out")" "$pid" "member is the person id"
expect_rc 1 "as of today the evidence is old" sf check "$fam"
expect_output check-family-old-evidence
sf audit --format json >audit.json
same "$(jq -r "[.[] | select(.subject == \"$fam\" and .command == \"check\")] | length" audit.json)" "2" "family checks audited"
# The database's default set is used when the file names none.
sed '/"criteria_set"/d' n.json >noset.json
db_query "insert into meta(key, value) values ('criteria_set', 'supporting-families-2022')"
expect_rc 1 "the database's default set" sf check noset.json --as-of 2018-05-01
has "supporting-families-2022 (3 or more needs)" out "default from meta"

# sfcohort-criteria(5) documents every indicator of every shipped set.
for set in "$SRC"/schema/criteria/*.json; do
  [ -n "$(jq -r '.indicators[].code' "$set")" ] && ok || fail "$(basename "$set"): no indicators read"
  for code in $(jq -r '.indicators[].code' "$set"); do
    grep -qx ".It Li $code" "$SRC/man/sfcohort-criteria.5" && ok || fail "$code ($(basename "$set")) is not in sfcohort-criteria.5"
  done
  grep -qx ".Ss $(jq -r .name "$set")" "$SRC/man/sfcohort-criteria.5" && ok || fail "$(basename "$set") is not described"
done
finish

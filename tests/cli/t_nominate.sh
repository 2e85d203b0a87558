#!/usr/bin/env bash
# sfcohort nominate, end to end: template, submit, list, show, decide
# (accept into a new family, merge into a matched one, reject), the audit
# trail, and bad nominations refused with exit 2 and nothing stored.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-07-01
EX="$SRC/examples"

# No database at all (on PostgreSQL the server's database is there, schema
# or not: the case is an SQLite file not made yet).
expect_rc 0 "template without a database" env SFCOHORT_DB="$T/none.db" "$SFCOHORT" nominate template
jq -e '.members and .evidence and .consent and .legal_basis' "$T/out" >/dev/null && ok || fail "template shape"
same "$(jq -r '.criteria_set' "$T/out")" "kirklees-2015" "default set"
expect_rc 0 "template for another set" sf nominate template --criteria supporting-families-2022
same "$(jq -r '.criteria_set' "$T/out")" "supporting-families-2022" "named set"
expect_rc 2 "template for an unknown set" sf nominate template --criteria nope

sf init >/dev/null
sf nominate template >template.json
expect_rc 0 "the template submits as it is" sf nominate submit template.json
has "N000001 stored (pending)" out "id printed"
has "kirklees-2015 (2 or more of 6) as of 2026-07-01: ELIGIBLE" out "check run"
has "no member is in the cohort yet" out "lookup run"
expect_output nominate-submit

expect_rc 0 "submit the kirklees example" sf nominate submit "$EX/nomination-kirklees-2015.json" --as-of 2026-06-30 --format json
same "$(jq -c '[.id, .status, .eligible, .criteria_set, .as_of, .criteria_met, .family_id]' "$T/out")" \
  '["N000002","pending",true,"kirklees-2015","2026-06-30",[2,4,5],null]' "submit json"
same "$(jq -c '.check.met' "$T/out")" "[2,4,5]" "check included"
expect_rc 0 "a not-eligible nomination is stored too" sf nominate submit "$EX/nomination-troubled-families-2015.json"
has "NOT ELIGIBLE" out "not eligible today"
expect_output nominate-submit-not-eligible

expect_rc 0 "list json" sf nominate list --format json
same "$(jq -c '[.[] | .id]' "$T/out")" '["N000003","N000002","N000001"]' "newest first"
same "$(jq -c '.[0] | keys_unsorted' "$T/out")" '["id","status","submitted_at","submitted_by","eligible","family_id"]' "list keys"
same "$(jq -r '.[0].submitted_by' "$T/out")" "$(acting tester)" "submitted by the actor"
expect_rc 0 "list text" sf nominate list --status pending
has "N000002   pending" out "row"
expect_output nominate-list
expect_rc 2 "list with a bad status" sf nominate list --status maybe
expect_rc 0 "show" sf nominate show N000002
has "nominated by: Priya Shah (Almondbury Junior School)" out "nominator"
has "Wayne Ackroyd  b. 1986-06-09  father (not resident)" out "members"
expect_output nominate-show
expect_rc 0 "show json" sf nominate show N000002 --format json
same "$(jq -c '[.nomination.members[0].given_name, .check.eligible, .decided_at]' "$T/out")" '["Donna",true,null]' "show json"
expect_rc 2 "show an unknown id" sf nominate show N999999
one_line_error "unknown id"
expect_output nominate-show-unknown

# Decide: accept into a new family with its lead agency.
expect_rc 2 "decide needs --reason" sf nominate decide N000002 --accept
expect_rc 2 "decide needs --accept or --reject" sf nominate decide N000002 --reason x
expect_rc 2 "not both" sf nominate decide N000002 --accept --reject --reason x
expect_rc 0 "accept" sf nominate decide N000002 --accept --reason "criteria 2, 4 and 5" --as "Team Manager"
fam=$(db_query "select family_id from nomination where id='N000002'")
has "N000002 accepted: the household is in the cohort as family $fam" out "accepted"
expect_output nominate-accept
same "$(db_query "select status||'|'||lead_agency||'|'||lead_contact from family where id='$fam'")" \
  "cohort|Family Intervention Project|01484 000000" "family with its lead agency"
same "$(db_query "select count(*) from person where family_id='$fam'")" "4" "four people"
same "$(db_query "select decided_by||'|'||reason from nomination where id='N000002'")" \
  "$(acting "Team Manager")|criteria 2, 4 and 5" "who and why"
same "$(db_query "select count(*) from family_evidence where family_id='$fam'")" "6" "evidence kept"
same "$(db_query "select given||'|'||given_on||'|'||given_by from family_consent where family_id='$fam'")" \
  "1|2026-05-20|Donna Ackroyd" "consent kept"
expect_rc 2 "a decision stands" sf nominate decide N000002 --reject --reason "second thoughts"
has "nomination N000002 was already accepted" err "message"
expect_output nominate-decided-twice
expect_rc 0 "reject" sf nominate decide N000003 --reject --reason "not eligible"
has "N000003 rejected" out "rejected"
expect_output nominate-reject
expect_rc 0 "list after the decisions" sf nominate list
expect_output nominate-list-decided
expect_rc 0 "list accepted" sf nominate list --status accepted --format json
same "$(jq -c '[.[] | [.id, .family_id]]' "$T/out")" "[[\"N000002\",\"$fam\"]]" "family id listed"

# A household already in the cohort: reported at submit, merged on accept.
expect_rc 0 "import the example cohort" sf import "$EX/cohort.csv"
jq '.members[0].dob = "1985-04-02" | .members[1].dob = "2008-09-12" | .household.address.postcode = "HD1 3DH"
    | .members += [{"id": "c2", "given_name": "Kai", "surname": "Hirst", "dob": "2020-01-01", "role": "child", "relationship": "son"}]' \
  template.json >hirst.json
expect_rc 0 "submit a known household" sf nominate submit hirst.json
has "already in the cohort: Sarah Hirst (m1) is person P0004820 in family F000124 (" out "match reported"
has "already in the cohort: Liam Hirst (c1) is person P0004822 in family F000124" out "second match"
expect_output nominate-submit-known
id=$(db_query "select max(id) from nomination")
same "$(db_query "select family_id from nomination where id='$id'")" "F000124" "matched family recorded"
before=$(db_query "select count(*) from person")
expect_rc 0 "accept merges" sf nominate decide "$id" --accept --reason "new baby"
has "as family F000124" out "merged"
expect_output nominate-accept-merge
same "$(db_query "select count(*) from person")" "$((before + 1))" "only the new member added"
same "$(db_query "select family_id from person where given_name='Kai'")" "F000124" "into the matched family"

# Bad nominations: exit 2, one error line naming the JSON path, nothing stored.
bad() {  # bad DESCRIPTION JQ-FILTER EXPECTED-MESSAGE
  jq "$2" "$EX/nomination-kirklees-2015.json" >bad.json
  local sum
  sum=$(db_sum)
  expect_rc 2 "$1" sf nominate submit bad.json
  one_line_error "$1"
  has "$3" err "$1"
  same "$(db_sum)" "$sum" "$1: nothing stored"
}
bad "impossible date" '.members[2].dob = "31/02/2010"' "sfcohort: error: bad.json: members[2].dob: '31/02/2010' is not a date"
bad "wrong type" '.evidence[0].value = "86.2"' "bad.json: evidence[0].value: expected a number, not a string"
bad "unknown indicator" '.evidence[3].indicator = "dv_police_call_out"' \
  "bad.json: evidence[3].indicator: unknown indicator 'dv_police_call_out' (did you mean dv_police_callout?)"
expect_output nominate-unknown-indicator
bad "empty household" '.members = [] | .evidence = []' "bad.json: members: the household has no members"
bad "unknown key" '.consent.givn = true' "bad.json: consent.givn: unknown key 'givn'"
bad "unknown member" '.evidence[0].member = "c9"' "bad.json: evidence[0].member: 'c9' is not the id of a member"
bad "bad postcode" '.household.address.postcode = "HD1 2CC"' "bad.json: household.address.postcode: 'HD1 2CC' is not a valid UK postcode"
bad "unknown set" '.criteria_set = "kirklees-2051"' "bad.json: criteria_set: unknown criteria set 'kirklees-2051'"
printf '{"members": [}' >bad.json
sum=$(db_sum)
expect_rc 2 "malformed JSON" sf nominate submit bad.json
has "bad.json: not valid JSON at line 1, column" err "position"
same "$(db_sum)" "$sum" "malformed: nothing stored"
expect_rc 3 "a missing file" sf nominate submit nope.json
expect_rc 3 "no database" sf --db "$T/none.db" nominate list

# A file saved with a UTF-8 byte-order mark is read and shown.
{ printf '\xEF\xBB\xBF'; cat "$EX/nomination-supporting-families-2022.json"; } >bom.json
expect_rc 0 "a byte-order mark is skipped" sf nominate submit bom.json --format json
bom_id=$(jq -r .id "$T/out")
expect_rc 0 "show a file submitted with a byte-order mark" sf nominate show "$bom_id" --format json
same "$(jq -r '.nomination.members[0].given_name' "$T/out")" "Chloe" "document shown"

# Every step is in the audit trail, and the trail is intact.
sf audit --format json >audit.json
for cmd in "nominate submit" "nominate list" "nominate show" "nominate decide"; do
  n=$(jq -r --arg c "$cmd" '[.[] | select(.command == $c)] | length' audit.json)
  [ "$n" -gt 0 ] && ok || fail "no audit entry for $cmd"
done
# On PostgreSQL the trail's actor is the authenticated database user.
actor="Team Manager"
on_sqlite || actor=$PGUSER
same "$(jq -r '[.[] | select(.subject == "N000002" and .command == "nominate decide")][0].actor' audit.json)" \
  "$actor" "decision audited with its actor"
expect_rc 0 "audit verify" sf audit verify

# The BY column is as wide as the longest name, counted in characters (on
# SQLite, where --as names the submitter; a database of its own).
sf -q --db "$T/names.db" init >/dev/null 2>&1
for who in "Head of Service" "Siân Bąk" "tester"; do
  sf -q --db "$T/names.db" nominate submit template.json --as "$who" >/dev/null 2>&1
done
expect_rc 0 "list with long names" sf --db "$T/names.db" nominate list
expect_output nominate-list-long-names
same "$(python3 -c 'import re, sys; print(len({re.search("(not )?eligible", l, re.I).start() for l in open(sys.argv[1], encoding="utf-8")}))' "$T/out")" \
  "1" "columns aligned after a long name"
finish

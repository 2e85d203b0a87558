#!/usr/bin/env bash
# sfcohort identify: after three partners' feeds of the example cohort, every
# household holding evidence (cohort families, and candidates formed by
# address from people outside the cohort, by surname too where a cohort
# family shares the address) evaluated as text, CSV, JSON and a workbook;
# --new listing the eligible candidates only; --nominate making pending
# nominations once; --as-of; bad options refused with exit 2.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-09-01

sf -q init >/dev/null 2>&1 || fail "init"
sf -q import "$SRC/examples/cohort.csv" >/dev/null 2>&1 || fail "import"
cp "$SRC"/examples/feeds/*.csv .
sf -q evidence import school-attendance.csv --indicator school_attendance_pct \
  --source "Education Welfare" --map "date=Period End" >/dev/null 2>&1 || fail "school feed"
sf -q evidence import police-domestic-abuse.csv --indicator dv_police_callout \
  --source "West Yorkshire Police" >/dev/null 2>&1 || fail "police feed"
sf -q evidence import dwp-out-of-work.csv --indicator out_of_work_benefit --source DWP \
  --map "date=Claim Start" >/dev/null 2>&1 || fail "dwp feed"

expect_rc 0 "identify" sf identify
expect_output identify-text
expect_rc 0 "identify as csv" sf -q identify --format csv --output households.csv
expect_file identify-households.csv households.csv
expect_rc 0 "identify as json" sf -q identify --format json
same "$(jq -r '[.families, .families_eligible, .candidates, .candidates_eligible] | join(",")' "$T/out")" \
  "5,1,2,2" "json: the counts"
same "$(jq -r '[.households[] | select(.in_cohort | not) | .household] | join(",")' "$T/out")" \
  "C:HD4 6ZZ|7,C:WF13 3PQ|2|brown" "json: the candidate households"
same "$(jq -r '.households[] | select(.household == "C:HD4 6ZZ|7") | [.people[].given_name] | join(",")' "$T/out")" \
  "Donna,Ella,Tyler" "json: a candidate's people, grouped by address"
same "$(jq -r '.households[] | select(.household == "C:WF13 3PQ|2|brown") | .why' "$T/out" | grep -c 'cohort family F000132')" \
  1 "json: a shared address is explained"
same "$(jq -r '.households[] | select(.family_id == "F000123") | .result.met | join(",")' "$T/out")" \
  "2,4,5" "json: a cohort family's criteria met, as check has them"
expect_rc 0 "identify as a workbook" sf -q identify --format xlsx --output households.xlsx
same "$(head -c 2 households.xlsx)" "PK" "xlsx: a workbook written"

expect_rc 0 "identify --new" sf identify --new
expect_output identify-new

# Before the feeds' events nothing is eligible.
expect_rc 1 "identify --new as of a year ago" sf identify --new --as-of 2025-09-01
expect_output identify-new-year-ago

# Nominating: pending nominations, made once.
before=$(db_sum)
expect_rc 2 "--nominate without a legal basis" sf identify --nominate
one_line_error "--nominate without a legal basis"
same "$(db_sum)" "$before" "refused: nothing written"
expect_rc 0 "--nominate" sf identify --nominate --legal-basis "UK GDPR Art 6(1)(e); Art 9(2)(g)"
expect_output identify-nominate
same "$(sf -q nominate list --status pending --format json | jq -r 'length')" 2 \
  "two pending nominations"
expect_rc 0 "a nomination's members and evidence" sf -q nominate show N000001 --format json
same "$(jq -r '[.nomination.members[].given_name] | join(",")' "$T/out")" "Donna,Ella,Tyler" \
  "the nomination names the household's people"
same "$(jq -r '.nomination.evidence | length' "$T/out")" 5 "the nomination carries its evidence"
expect_rc 1 "nothing new after nominating" sf -q identify --new
expect_rc 1 "nominating again makes none" sf -q identify --nominate --legal-basis x
same "$(sf -q nominate list --format json | jq -r 'length')" 2 "still two nominations"
expect_rc 0 "identify shows the nominations" sf -q identify --format csv
same "$(grep -c 'N00000[12] (pending)' "$T/out")" 2 "csv: each candidate's nomination"
same "$(db_query "select count(*) from audit where command = 'identify'")" 13 \
  "each run audited (and the nominations made)"

# A row awaiting review away from its possible match's home counts for a
# candidate household, provisionally and said so; rejected, it is an
# outside row; accepted, it is the cohort person's. The school row awaiting
# review at its possible match's own home (Laura Hurst, Flat 3) counts for
# no candidate.
printf 'given_name,surname,dob,postcode,house,date\nLaura,Hirst,2008-09-21,HD7 5XX,9,2026-06-01\nKyle,Hurstfield,1985-01-01,HD7 5XX,9,2026-05-01\n' >asb.csv
printf 'given_name,surname,dob,postcode,house,date\nKyle,Hurstfield,1985-01-01,HD7 5XX,9,2026-04-01\n' >dwp2.csv
sf -q evidence import asb.csv --indicator asb_recorded --source "ASB team" >/dev/null 2>&1 ||
  fail "asb feed"
sf -q evidence import dwp2.csv --indicator out_of_work_benefit --source DWP >/dev/null 2>&1 ||
  fail "second dwp feed"
pending=$(sf -q evidence review --format json | jq -r '.[] | select(.feed_person.postcode == "HD7 5XX") | .id')
same "$(sf -q evidence review --format json | jq -r 'length')" 2 "two rows await review"
expect_rc 0 "identify --new with a row awaiting review" sf -q identify --new --format json
same "$(jq -r '.households[] | select(.household == "C:HD7 5XX|9") | [(.result.met | join(",")), .pending_review.rows, (.pending_review.possibly | join(","))] | join(" ")' "$T/out")" \
  "1,4 1 P0004821" "the pending row counts, and says whom it may be"
same "$(jq -r '.households[] | select(.household == "C:HD7 5XX|9") | .why' "$T/out")" \
  "same postcode and house: 2 people, 3 feed rows from 2 sources not matched to the cohort, 1 of them awaiting evidence review (possibly P0004821)" \
  "the why says the household rests on a row awaiting review"
same "$(jq -r '[.households[] | select(.address.postcode == "HD1 3DH")] | length' "$T/out")" 0 \
  "a row at its possible match's own home forms no candidate"
expect_rc 0 "csv: the pending column" sf -q identify --new --format csv
same "$(grep '^C:HD7 5XX|9,' "$T/out" | awk -F, '{ print $NF }')" 1 "csv: one row pending"
sf -q evidence review --reject "$pending" --reason "another Laura" >/dev/null 2>&1 || fail "reject"
expect_rc 0 "identify --new after the rejection" sf -q identify --new --format json
same "$(jq -r '.households[] | select(.household == "C:HD7 5XX|9") | [(.result.met | join(",")), .pending_review.rows] | join(" ")' "$T/out")" \
  "1,4 0" "rejected, the row is an outside row: still counted, no longer pending"

# Bad options.
expect_rc 2 "a bad --as-of" sf identify --as-of 31/02/2026
one_line_error "a bad --as-of"
expect_rc 2 "an unknown set" sf identify --criteria no-such-set
one_line_error "an unknown set"
expect_rc 2 "xlsx to standard output" sf identify --format xlsx
one_line_error "xlsx to standard output"
expect_rc 2 "an unknown format" sf identify --format pdf
sf -q audit verify >/dev/null 2>&1 && ok || fail "the audit trail verifies"

finish

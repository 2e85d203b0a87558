#!/usr/bin/env bash
# sfcohort evidence: three partners' feeds of the example cohort imported
# (exact and strong matches attached, a possible match to review, rows about
# people outside the cohort kept), one audit entry per feed naming its source
# and digest, a feed imported again changing nothing, the same rows in
# another file not stored twice; every kind of bad row refused with its file,
# row and field and nothing written, or set aside with --rejects; the review
# list, accepting and rejecting one by one and by file.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-09-01

sf -q init >/dev/null 2>&1 || fail "init"
sf -q import "$SRC/examples/cohort.csv" >/dev/null 2>&1 || fail "import"
cp "$SRC"/examples/feeds/*.csv .

# ---- three feeds ----------------------------------------------------------
expect_rc 0 "school feed" sf evidence import school-attendance.csv \
  --indicator school_attendance_pct --source "Education Welfare" --map "date=Period End"
expect_output evidence-import-school
expect_rc 0 "police feed" sf -q evidence import police-domestic-abuse.csv \
  --indicator dv_police_callout --source "West Yorkshire Police" --format json
same "$(jq -r '[.feed, .attached, .exact, .review, .outside, .rejected] | join(",")' "$T/out")" \
  "E000002,2,2,0,3,0" "police feed: counts"
same "$(jq -r '.source' "$T/out")" "West Yorkshire Police" "police feed: source"
expect_rc 0 "dwp feed" sf -q evidence import dwp-out-of-work.csv \
  --indicator out_of_work_benefit --source DWP --map "date=Claim Start" --format json
same "$(jq -r '[.feed, .attached, .outside] | join(",")' "$T/out")" "E000003,2,2" "dwp feed: counts"
same "$(db_query "select count(*) from evidence")" 16 "every row stored"
same "$(db_query "select source from evidence where feed_id = 'E000003' group by source")" DWP \
  "each row carries its source"
same "$(db_query "select person_id from evidence where feed_id = 'E000001' and row_no = 2")" \
  P0004812 "an exact match is attached to the person"
same "$(db_query "select count(*) from evidence where state = 'attached' and given_name <> ''")" 0 \
  "attached rows keep no copy of the partner's person fields"
same "$(db_query "select address_family from evidence where surname = 'Brown' group by address_family")" \
  F000132 "a row at a cohort family's address says so"

# One audit entry per feed, naming its file, source and digest.
same "$(db_query "select count(*) from audit where command = 'evidence import'")" 3 \
  "one audit entry per feed"
sha=$(sha256sum police-domestic-abuse.csv | cut -d' ' -f1)
n=$(db_query "select count(*) from audit where command = 'evidence import' and subject = 'E000002' and detail like '%$sha%' and detail like '%West Yorkshire Police%'")
same "$n" 1 "the police feed's entry names its digest and source"

# check sees a family's feed evidence.
expect_rc 0 "check a family with feed evidence" sf check F000123 --as-of 2026-08-01
expect_output evidence-check-family

# family show, person show and sar show it too, with its source and feed;
# a row waiting for review as a possible match is shown, marked so, to the
# person it names and in their subject access request, not to the family.
expect_rc 0 "family show with feed evidence" sf family show F000123
expect_output evidence-family-show
expect_rc 0 "family show as json" sf -q family show F000124 --format json
same "$(jq -r '[.evidence[] | "\(.person_id):\(.feed):\(.state):\(.source)"] | join(",")' "$T/out")" \
  "P0004822:E000001:attached:Education Welfare" "family json: the attached row, not the one in review"
expect_rc 0 "person show with a row in review" sf person show P0004821
expect_output evidence-person-show-review
expect_rc 0 "person show as json" sf -q person show P0004812 --format json
same "$(jq -r '[.evidence[] | "\(.indicator):\(.value):\(.feed):\(.state)"] | join(",")' "$T/out")" \
  "school_attendance_pct:84.5:E000001:attached" "person json: the feed's row"
expect_rc 0 "sar names the row in review" sf -q sar P0004821 --format json
same "$(jq -r '[.evidence[] | "\(.indicator):\(.feed):\(.state):\(.source)"] | join(",")' "$T/out")" \
  "school_attendance_pct:E000001:review:Education Welfare" "sar json: the row in review, with its state"
expect_rc 0 "sar as text" sf -q sar P0004821
has "awaiting review" out "sar text: the row in review marked"

# ---- the same feed again, and the same rows in another file ----------------
before=$(db_sum)
expect_rc 0 "the same feed again" sf evidence import dwp-out-of-work.csv \
  --indicator out_of_work_benefit --source DWP --map "date=Claim Start"
expect_output evidence-import-again
same "$(db_sum)" "$before" "importing a feed again changes nothing"
{ cat police-domestic-abuse.csv; echo; } >police-copy.csv
expect_rc 0 "the same rows in another file" sf -q evidence import police-copy.csv \
  --indicator dv_police_callout --source "West Yorkshire Police" --format json
same "$(jq -r '[.duplicate, .attached, .outside] | join(",")' "$T/out")" "5,0,0" \
  "rows already held are not stored twice"
same "$(db_query "select count(*) from evidence")" 16 "no row added"

# ---- an indicator column per row -------------------------------------------
cat >mixed.csv <<'CSV'
Forename,Surname,DOB,Postcode,House,Indicator,Date,Value
Jermaine,Campbell,06/06/2010,HD1 5RS,44,school_attendance_pct,2026-07-17,72.5
Jermaine,Campbell,06/06/2010,HD1 5RS,44,fixed_term_exclusion,2026-05-02,
Delroy,Campbell,08/08/1970,HD1 5RS,44,proven_offence,2026-03-30,
CSV
expect_rc 0 "an indicator per row" sf -q evidence import mixed.csv --source "Multi-agency" \
  --format json
same "$(jq -r '.attached' "$T/out")" 3 "mixed feed: all attached"
same "$(db_query "select indicator from evidence where feed_id = 'E000005' order by row_no" | tr '\n' ,)" \
  "school_attendance_pct,fixed_term_exclusion,proven_offence," "mixed feed: each row's indicator"

# ---- bad input: refused whole, nothing written ------------------------------
before=$(db_sum)
expect_rc 2 "unknown --indicator" sf evidence import dwp-out-of-work.csv \
  --indicator out_of_work_benefits
expect_output evidence-unknown-indicator
one_line_error "unknown --indicator"
bad() { # NAME ROW-TEXT [OPTIONS...]: a feed with one good row and ROW-TEXT refused
  local name=$1 row=$2
  shift 2
  printf 'given_name,surname,dob,postcode,date,value\nAmy,Stone,2001-02-03,HD1 2AB,2026-01-05,\n%s\n' \
    "$row" >"$name.csv"
  expect_rc 2 "$name" sf evidence import "$name.csv" "$@"
  expect_output "evidence-$name"
  same "$(db_sum)" "$before" "$name: nothing written"
}
bad value-not-taken "Ben,Stone,2003-04-05,HD1 2AB,2026-01-05,12" --indicator dv_police_callout
bad value-missing "Ben,Stone,2003-04-05,HD1 2AB,2026-01-05," --indicator school_attendance_pct
bad value-not-number "Ben,Stone,2003-04-05,HD1 2AB,2026-01-05,high" --indicator school_attendance_pct
bad future-date "Ben,Stone,2003-04-05,HD1 2AB,2026-10-01," --indicator dv_police_callout
bad before-birth "Ben,Stone,2003-04-05,HD1 2AB,2001-01-01," --indicator dv_police_callout
bad bad-dob "Ben,Stone,31/02/2003,HD1 2AB,2026-01-05," --indicator dv_police_callout
bad bad-postcode "Ben,Stone,2003-04-05,HD1 2CC,2026-01-05," --indicator dv_police_callout
bad no-surname "Ben,,2003-04-05,HD1 2AB,2026-01-05," --indicator dv_police_callout
printf 'given_name,surname,dob,date,indicator\nAmy,Stone,2001-02-03,2026-01-05,dv_polic_callout\n' >row-indicator.csv
expect_rc 2 "an unknown indicator in a row" sf evidence import row-indicator.csv
expect_output evidence-row-indicator
printf 'given_name,surname,dob,date\n' >header-only.csv
expect_rc 2 "no usable rows" sf evidence import header-only.csv --indicator neet
expect_output evidence-no-rows
one_line_error "no usable rows"
printf 'given_name,surname,dob\nAmy,Stone,2001-02-03\n' >no-date.csv
expect_rc 2 "no date column" sf evidence import no-date.csv --indicator neet
one_line_error "no date column"
expect_rc 2 "no indicator" sf evidence import no-date.csv --map date=dob
one_line_error "no indicator column nor --indicator"
same "$(db_sum)" "$before" "bad input: nothing written"
expect_rc 3 "a missing file" sf evidence import missing.csv --indicator neet
one_line_error "a missing file"

# With --rejects the valid rows are imported and the others set aside.
printf 'given_name,surname,dob,postcode,date,value\nAmy,Stone,2001-02-03,HD1 2AB,2026-01-05,\nBen,Stone,2003-04-05,HD1 2AB,2026-10-01,\nCal,Stone,2004-04-05,HD1 2AB,2026-01-05,3\n' >some-bad.csv
expect_rc 0 "--rejects" sf evidence import some-bad.csv --indicator dv_police_callout \
  --rejects rejects.csv
expect_output evidence-rejects
expect_file evidence-rejects.csv rejects.csv
same "$(db_query "select count(*) from evidence where feed_id = 'E000006'")" 1 \
  "--rejects: the valid row imported"
# Every row invalid with --rejects: nothing imported, and the rows the
# error points to are in the rejects file.
printf 'given_name,surname,dob,postcode,date,value\nCal,Stone,2004-04-05,HD1 2AB,2026-01-05,3\n' >all-bad.csv
before=$(db_sum)
expect_rc 2 "--rejects, every row invalid" sf evidence import all-bad.csv \
  --indicator dv_police_callout --rejects all-rejects.csv
has "see the rejects file" err "the hint names the file"
same "$(sed 1d all-rejects.csv | cut -d, -f1)" "2" "the invalid row set aside"
same "$(db_sum)" "$before" "nothing written to the database"

# ---- review ---------------------------------------------------------------
expect_rc 0 "review list" sf evidence review
expect_output evidence-review-list
id=$(db_query "select pk from evidence where state = 'review'")
expect_rc 0 "review as json" sf -q evidence review --format json
same "$(jq -r '.[0] | [.id, .person_id, .family_id] | join(",")' "$T/out")" "$id,P0004821,F000124" \
  "review json: the proposed person"
expect_rc 0 "accept" sf evidence review --accept "$id" --reason "same child, dob mistyped"
expect_output evidence-review-accept
same "$(db_query "select state || ',' || person_id || ',' || decided_by from evidence where pk = $id")" \
  "attached,P0004821,$(acting tester)" "accept: attached to the proposed person"
before=$(db_sum)
expect_rc 2 "accept twice" sf evidence review --accept "$id"
expect_output evidence-review-twice
expect_rc 2 "no such row" sf evidence review --reject 999
one_line_error "no such row"
same "$(db_sum)" "$before" "refused decisions change nothing"
expect_rc 1 "nothing left to review" sf -q evidence review

# By file: a bad row and nothing is decided; then a good file.
printf 'Forename,Surname,Date of Birth,Postcode,House Number,Attendance %%,Period End\nLaura,Hurst,12/09/2007,HD1 3DH,Flat 3,79.5,2026-06-30\nLiam,Hurst,12/09/2007,HD1 3DH,Flat 3,80.5,2026-06-30\n' >more-school.csv
expect_rc 0 "a second school feed" sf -q evidence import more-school.csv \
  --indicator school_attendance_pct --source "Education Welfare" --map "date=Period End" \
  --format json
same "$(jq -r '.review' "$T/out")" 2 "two more to review"
ids=$(db_query "select pk from evidence where state = 'review' order by pk" | tr '\n' ' ')
set -- $ids
printf 'id,decision,reason\n%s,accept,same girl\n%s,maybe,\n' "$1" "$2" >decisions-bad.csv
before=$(db_sum)
expect_rc 2 "a bad decisions file" sf evidence review --file decisions-bad.csv
expect_output evidence-review-file-bad
same "$(db_sum)" "$before" "a bad decisions file decides nothing"
printf 'id,decision,reason\n%s,accept,same girl\n%s,reject,a twin brother is not on our list\n' \
  "$1" "$2" >decisions.csv
expect_rc 0 "a decisions file" sf -q evidence review --file decisions.csv --format json
same "$(jq -r '[.[] | "\(.id)=\(.decision)"] | join(",")' "$T/out")" "$1=accepted,$2=rejected" \
  "a decisions file: both decided"
same "$(db_query "select state from evidence where pk = $2")" outside "rejected: outside the cohort"
same "$(db_query "select count(*) from audit where command = 'evidence review'")" 5 \
  "review: audited (two lists, one accept, one file; refusals not)"
sf -q audit verify >/dev/null 2>&1 && ok || fail "the audit trail verifies"

# ---- a workbook feed ----------------------------------------------------------
# As a school's system exports it: a sheet named Attendance, dates as date
# cells, percentages as numbers (written by python3-openpyxl, as t_xlsx
# makes its workbooks). A cell holding an Excel error is refused by sheet,
# row and column, nothing written; the good workbook is imported and read
# again changes nothing.
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
  /usr/bin/python3 - <<'PY'
import datetime, openpyxl
D = datetime.datetime
def book(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Attendance"
    ws.append(["Forename", "Surname", "Date of Birth", "Postcode", "House Number",
               "Attendance %", "Period End"])
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, D):
                c.number_format = "dd/mm/yyyy"
    return wb, ws
rows = [["Jonathan", "Smith", D(2009, 3, 14), "HD1 2AB", 12, 82.5, D(2026, 8, 1)],
        ["Tyler", "Ackroyd", D(2014, 10, 2), "HD4 6ZZ", 7, 88, D(2026, 8, 1)],
        ["Aisha", "Hussain", D(2010, 10, 4), "WF13 2JR", 27, 79.25, D(2026, 8, 1)]]
wb, ws = book("school.xlsx", rows)
wb.save("school.xlsx")
wb, ws = book("school-bad.xlsx", rows)
ws.cell(row=3, column=6).value = "#N/A"
ws.cell(row=3, column=6).data_type = "e"
wb.save("school-bad.xlsx")
PY
  before=$(db_sum)
  expect_rc 2 "a workbook with an Excel error in a cell" sf evidence import school-bad.xlsx \
    --indicator school_attendance_pct --source "Education Welfare" --map "date=Period End"
  expect_output evidence-xlsx-bad-cell
  same "$(db_sum)" "$before" "a bad workbook: nothing written"
  expect_rc 0 "a workbook feed" sf evidence import school.xlsx \
    --indicator school_attendance_pct --source "Education Welfare" --map "date=Period End"
  expect_output evidence-xlsx
  feed=$(db_query "select id from evidence_feed where file like '%school.xlsx'")
  same "$(db_query "select person_id || '=' || value from evidence where feed_id = '$feed' and state = 'attached' order by person_id" | tr '\n' ,)" \
    "P0004812=82.5,P0004832=79.25," "the workbook's rows attached with their values"
  same "$(db_query "select date from evidence where feed_id = '$feed' group by date")" 2026-08-01 \
    "a date cell read as its date"
  before=$(db_sum)
  expect_rc 0 "the workbook again" sf -q evidence import school.xlsx \
    --indicator school_attendance_pct --source "Education Welfare" --map "date=Period End"
  same "$(db_sum)" "$before" "the same workbook again changes nothing"
else
  fail "python3-openpyxl is needed (it is in the Makefile's PACKAGES)"
fi

finish

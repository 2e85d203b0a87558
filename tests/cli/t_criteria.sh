#!/usr/bin/env bash
# sfcohort criteria: the shipped sets, and a set's indicators with codes and
# descriptions (every indicator of the set, not the template's two).
source "$SRC/tests/cli/lib.sh"

expect_rc 0 "list" sf criteria list
has "kirklees-2015 (default)" out "default set marked"
has "supporting-families-2022" out "national set listed"
expect_output criteria-list
expect_rc 0 "show" sf criteria show kirklees-2015
has "kirklees-2015: Kirklees Stronger Families Local Outcome Plan (2015) (2 or more of 6)" out "title and threshold"
has "school_attendance_pct" out "an indicator code"
has "[value in %]" out "an indicator that takes a value"
expect_output criteria-show
expect_rc 0 "show as json" sf criteria show troubled-families-2015 --format json
same "$(jq -r '.indicators | length' < "$T/out")" \
  "$(jq -r '.indicators | length' < "$SRC/schema/criteria/troubled-families-2015.json")" \
  "every indicator of the set is shown"
same "$(jq -r '.indicators[0].code' < "$T/out")" \
  "$(jq -r '.indicators[0].code' < "$SRC/schema/criteria/troubled-families-2015.json")" "codes as in the set"
expect_rc 2 "unknown set" sf criteria show nope
has "unknown criteria set 'nope'" err "unknown set named"
expect_rc 2 "no subcommand" sf criteria
finish

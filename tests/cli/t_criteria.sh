#!/usr/bin/env bash
# sfcohort criteria: the shipped sets listed, one set's criteria and every
# indicator code shown (text and JSON), the database's default used when no
# set is named, and an unknown set refused naming the shipped ones.
source "$SRC/tests/cli/lib.sh"

expect_rc 0 "criteria list" sf criteria list
expect_output criteria-list

expect_rc 0 "criteria show" sf criteria show kirklees-2015
expect_output criteria-show-kirklees

# JSON lists every indicator of the set file, as the set file holds them.
expect_rc 0 "criteria show --format json" sf criteria show troubled-families-2015 --format json
want=$(jq -r '[.indicators[].code] | sort | join(",")' "$SRC/schema/criteria/troubled-families-2015.json")
same "$(jq -r '[.indicators[].code] | sort | join(",")' "$T/out")" "$want" "every indicator code"
same "$(jq -r '.criteria | length' "$T/out")" 6 "six criteria"

# No set named: the database's default.
sf -q init --criteria supporting-families-2022 >/dev/null 2>&1 || fail "init --criteria"
expect_rc 0 "criteria show, the database's default" sf criteria show
has "supporting-families-2022: " out "the database's default set"

expect_rc 2 "an unknown set" sf criteria show kirklees-2051
one_line_error "an unknown set"
has "kirklees-2015" err "names the shipped sets"
expect_rc 2 "a bad format" sf criteria show --format xml
expect_rc 2 "no subcommand" sf criteria

finish

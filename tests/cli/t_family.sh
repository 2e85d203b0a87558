#!/usr/bin/env bash
# Families leave the programme: close, reopen, show; a person's record; and
# the wrong answer that started it: after a family is closed, neither an
# officer's batch nor a partner's sealed reply says its members are known.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-01-15

sf init >/dev/null
sf import "$SRC/examples/cohort.csv" >/dev/null

# Bad input: one line, exit 2, nothing written.
before=$(db_sum)
expect_rc 2 "unknown family" sf family close F999999 --reason "moved"
has "no family 'F999999'" err "unknown family named"
one_line_error "unknown family"
expect_rc 2 "no reason" sf family close F000123
has "a reason is required" err "reason required"
one_line_error "no reason"
expect_rc 2 "blank reason" sf family close F000123 --reason "   "
expect_rc 2 "future date" sf family close F000123 --reason "moved" --on 2026-02-01
has "closing date 2026-02-01 is in the future" err "future date named"
one_line_error "future date"
expect_rc 2 "not a date" sf family close F000123 --reason "moved" --on 31/02/2025
has "is not a date" err "bad date named"
expect_rc 2 "before joining" sf family close F000123 --reason "moved" --on 2020-01-01
has "before the family joined (2024-02-01)" err "before joining"
expect_rc 2 "unknown outcome" sf family close F000123 --reason "moved" --outcome gone
has "'gone' is not an outcome" err "outcome named"
expect_rc 2 "reopen an active family" sf family reopen F000123 --reason "back"
has "is not closed (status active)" err "not closed"
has "sfcohort: hint: only a closed family is reopened" err "not closed: hint"
one_line_error "reopen an active family"
expect_output family-reopen-active
expect_rc 2 "unknown person" sf person show P9999999
has "no person 'P9999999'" err "unknown person named"
one_line_error "unknown person"
same "$(db_sum)" "$before" "bad input writes nothing"

# Before: Jon Smith (F000123) is a strong match and the household is known.
expect_rc 0 "batch before" sf lookup --batch "$SRC/examples/roll.csv" --output before.csv
same "$(head -n 1 before.csv | tr ',' '\n' | tail -n 1)" "status" "batch has a status column"
grep -q '^A123,.*,strong,.*,F000123,P0004812,.*,active$' before.csv && ok || fail "active before closing"

# Close it.
expect_rc 0 "close" sf family close F000123 --reason "moved to Leeds" --on 2025-12-31 --outcome moved_away
expect_output family-close
expect_rc 2 "close a closed family" sf family close F000123 --reason "again"
has "already closed (since 2025-12-31)" err "already closed"
one_line_error "close a closed family"

# The officer still finds them, marked closed, with the reason.
expect_rc 0 "single lookup of a closed family" sf lookup --given Jon --surname Smith --dob 14/03/2009 --postcode "HD1 2AB" --house 12
expect_output family-lookup-closed
has "closed on 2025-12-31 (moved to Leeds)" out "closure beside the band"
grep -q "^household: .*closed on 2025-12-31 (moved to Leeds)" out && ok || fail "closure beside the household line"
expect_rc 0 "json lookup" sf lookup --given Jon --surname Smith --dob 14/03/2009 --format json
has '"status":"closed"' out "json says closed"
expect_rc 0 "batch after" sf lookup --batch "$SRC/examples/roll.csv" --output after.csv
grep -q '^A123,.*,F000123,P0004812,.*,closed$' after.csv && ok || fail "batch says closed"
grep -q '^A126,.*,active$' after.csv && ok || fail "other families stay active"
expect_file family-batch-after.csv after.csv

# The partner's sealed reply: not currently known, no lead, no reason.
sf share keygen >/dev/null 2>&1
mkdir partner
age-keygen -o partner/age.key 2>/dev/null
sf share partner add "West Yorkshire Police" --recipient "$(age-keygen -y partner/age.key)" \
  --agreement isa=2024-01-01 --agreement dsp=2024-01-01 --agreement mou=2024-01-01 >/dev/null
expect_rc 0 "sealed reply" sf lookup --batch "$SRC/examples/roll.csv" --to "West Yorkshire Police" --output reply.csv.age
age -d -i partner/age.key -o reply.csv reply.csv.age
same "$(grep '^A123,' reply.csv | cut -d, -f8-)" "strong,no,," "closed person: not known to the partner"
same "$(grep '^A124,' reply.csv | cut -d, -f8-)" "exact,no,," "closed sibling: not known"
same "$(grep '^A126,' reply.csv | cut -d, -f8,9)" "strong,person" "an active family still known"
for secret in "moved to Leeds" moved_away closed F000123; do
  hasnt "$secret" reply.csv "the reply leaks '$secret'"
done
# A partner whose profile allows history is told the closed family is known,
# still without the reason.
sf -q share partner update "West Yorkshire Police" --history >/dev/null 2>&1 || fail "update --history"
expect_rc 0 "sealed reply, history" sf lookup --batch "$SRC/examples/roll.csv" --to "West Yorkshire Police" --output history.csv.age
age -d -i partner/age.key -o history.csv history.csv.age
same "$(grep '^A123,' history.csv | cut -d, -f8,9)" "strong,person" "closed person: known to a partner given history"
for secret in "moved to Leeds" moved_away; do
  hasnt "$secret" history.csv "the history reply leaks '$secret'"
done
expect_rc 0 "audit" sf audit --format json
has '"status": "closed"' out "the closure is audited"

# family show and person show.
expect_rc 0 "family show" sf family show F000123
expect_output family-show
expect_rc 0 "family show json" sf family show F000123 --format json
has '"outcome": "moved_away"' out "json history"
expect_rc 0 "person show" sf person show P0004812
expect_output family-person-show
expect_rc 2 "bad format" sf family show F000123 --format xml

# Reopen: active again, history kept.
expect_rc 0 "reopen" sf family reopen F000123 --reason "returned to Kirklees"
expect_rc 2 "reopen twice" sf family reopen F000123 --reason "again"
expect_rc 0 "batch reopened" sf lookup --batch "$SRC/examples/roll.csv" --output again.csv
grep -q '^A123,.*,active$' again.csv && ok || fail "active after reopening"
expect_rc 0 "family show after reopen" sf family show F000123
has "returned to Kirklees" out "history shows the reopening"
has "moved to Leeds" out "history keeps the closure"
finish

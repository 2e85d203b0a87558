#!/usr/bin/env bash
# sfcohort lookup end to end: single (text and JSON), batch (CSV and JSON
# Lines), exit statuses, bad input, and the audit trail.
source "$SRC/tests/cli/lib.sh"

cat >people.csv <<'CSV'
family_id,person_id,given_name,surname,dob,postcode,house
F000123,P0004812,Jonathan,Smith,2009-03-14,HD1 2AB,12
F000123,P0004813,Laura,Hirst,2008-09-12,HD1 2AB,12
F000123,P0004814,Sarah,Hirst,1985-04-02,HD1 2AB,12
F000124,P0004815,Katarzyna,Nowak,1990-11-03,LS11 6AD,"Flat 3, 12"
F000125,P0004816,Aisha,Begum,2001-02-03,M1 1AA,5
F000126,P0004817,Aisha,Begum,2001-02-03,M2 2BB,9
CSV
expect_rc 0 "init" sf -q init
expect_rc 0 "import" sf -q import people.csv

# Single, text: the answer first, the reason next.
expect_rc 0 "nickname found" sf lookup --given Jon --surname smith --dob 14/3/2009 --postcode hd12ab --house 12
has "STRONG  Jonathan SMITH  b. 2009-03-14" out "text names the person"
has "given_name variant (Jon ~ Jonathan)" out "text explains the given name"
has "household: family F000123 is at 12, HD1 2AB (3 people" out "text shows the household"
expect_output lookup-single-strong

# A twin not in the cohort (only the given name differs): possible, never
# strong, the case named; the family is shown.
expect_rc 0 "twin is possible" sf lookup --given Lauren --surname Hirst --dob 2008-09-12 --postcode "HD1 2AB" --house 12
has "POSSIBLE  Laura HIRST" out "twin: possible"
has "a twin, or the same person under another name?" out "twin: the case named"
has "household: family F000123 is at 12, HD1 2AB" out "twin: household shown"
hasnt "STRONG" out "twin: never strong"
expect_output lookup-single-none-household
# A sibling (another given name, born a day later): no person; named in the
# household.
expect_rc 1 "sibling is no match" sf lookup --given Lauren --surname Hirst --dob 2008-09-13 --postcode "HD1 2AB" --house 12
has "no person matched" out "sibling: no person"
has "Laura HIRST b. 2008-09-12 is a member (a sibling?" out "sibling: named in the household"

# Nobody at all: no person, no household. Exit 1.
expect_rc 1 "not in the cohort" sf lookup --given Bob --surname Smith --dob 1999-01-01
has "no person matched" out "none: no person"
hasnt "household" out "none: no household"
expect_output lookup-single-none

# JSON: the contract's keys.
expect_rc 0 "json" sf lookup --given Kasia --surname Nowak --dob 03.11.1990 --format json
has '"band":"strong"' out "json band"
has '"person_id":"P0004815"' out "json person"
has '"why":{"dob":"exact","given_name":"variant","house":"missing","postcode":"missing","surname":"exact"}' out "json why"
has '"household":[]' out "json household"

# Two plausible people: neither strong.
expect_rc 0 "two plausible" sf lookup --given Aisha --surname Begum --dob 2001-02-03 --format json
same "$(grep -o '"band":"possible"' "$T/out" | wc -l)" 2 "both possible"
expect_rc 0 "two plausible, text" sf lookup --given Aisha --surname Begum --dob 2001-02-03
has "POSSIBLE  Aisha BEGUM  b. 2001-02-03" out "the band is never run into the name"
expect_output lookup-single-possible
expect_rc 1 "--min-band strong hides possibles" sf lookup --given Aisha --surname Begum --dob 2001-02-03 --min-band strong

# An impossible date is a warning, not an error.
expect_rc 0 "impossible date" sf lookup --given Jonathan --surname Smith --dob 2009-03-44 --postcode "HD1 2AB"
has "sfcohort: warning: dob '2009-03-44' is not a date" err "impossible date warned"
has "dob invalid" out "impossible date noted in why"
expect_output lookup-single-bad-date
expect_rc 0 "-q silences the warning" sf -q lookup --given Jonathan --surname Smith --dob 2009-03-44
same "$ERR" "" "no warning with -q"

# Usage errors.
expect_rc 2 "bad band" sf lookup --surname Smith --min-band maybe
one_line_error "bad band"
expect_output lookup-bad-band
expect_rc 2 "nothing to look up" sf lookup --postcode HD1 2AB
expect_rc 2 "batch with flags" sf lookup --batch people.csv --surname Smith
expect_rc 2 "single with csv format" sf lookup --surname Smith --format csv
expect_rc 3 "missing database" sf --db "$T/none.db" lookup --surname Smith
expect_output lookup-no-database
expect_rc 3 "unreadable batch" sf lookup --batch "$T/absent.csv"

# Batch: input order, pass-through columns, renamed clashes, an unreadable row.
printf 'ref,forename,last_name,date_of_birth,post_code,house_no,match\n1,Bob,Smith,1999-01-01,,,a\n2,Jon,Smith,14/3/2009,hd12ab,12,b\n3,Lauren,Hirst,2008-09-12,HD1 2AB,12,c\n4,"Kasia,Nowak,1990-11-03\n' >roll.csv
expect_rc 0 "batch" sf lookup --batch roll.csv --output checked.csv
has "checked 4 rows" err "batch summary"
has "1 error (row 5)" err "batch notes the bad row"
expect_output lookup-batch
expect_file lookup-batch.csv checked.csv
same "$(head -1 checked.csv | sed "s/^\xef\xbb\xbf//")" "ref,forename,last_name,date_of_birth,post_code,house_no,input_match,match,score,family_id,person_id,candidates,why,household,status" "batch header"
same "$(sed -n 2p checked.csv)" "1,Bob,Smith,1999-01-01,,,a,none,0.0000,,,0,,," "batch none row"
same "$(sed -n 3p checked.csv | cut -d, -f8,10,11,12)" "strong,F000123,P0004812,1" "batch strong row"
has "given_name=variant;surname=exact;dob=exact;postcode=exact;house=exact" checked.csv "batch why"
same "$(sed -n 4p checked.csv | cut -d, -f1,8,14)" "3,possible,F000123" "batch twin: possible, household known"
has "note=twin_or_alias" checked.csv "batch twin: the case named"
same "$(sed -n 5p checked.csv | cut -d, -f8)" "error" "batch error row"

# JSON Lines from standard input.
expect_rc 0 "jsonl from stdin" sh -c "head -4 roll.csv | '$SFCOHORT' -q lookup --batch - --format jsonl"
same "$(wc -l <"$T/out")" 3 "one object per row"
has '"row":2' out "jsonl row numbers"
has '"why":{"dob":"exact","given_name":"variant"' out "jsonl why object"

# A failed batch leaves no output file.
expect_rc 2 "batch without name columns" sf lookup --batch <(printf 'a,b\n1,2\n') --output never.csv
[ -e never.csv ] && fail "no output file on failure" || ok

# Every lookup is audited: single as one entry, batch as one with rows and digest.
expect_rc 0 "audit" sf audit --format json
digest=$(sha256sum roll.csv | cut -d' ' -f1)
has "$digest" out "batch audited with its digest"
has '"rows": 4' out "batch audited with its row count"
same "$(grep -o '"mode": "single"' "$T/out" | wc -l)" 10 "each single lookup audited"
expect_rc 0 "audit verify" sf audit verify
expect_output lookup-audit-verify

# Every name misspelt and the postcode mistyped, the date of birth and house
# right: found by the key on date of birth and house, for a person to review.
expect_rc 0 "every name misspelt" sf lookup --given Katrazyna --surname Mowak --dob 1990-11-03 --postcode "LS11 6DA" --house "Flat 3, 12"
has "Katarzyna NOWAK  b. 1990-11-03" out "found on date of birth and house"

# An index of an earlier sfcohort's keys (no version row) is built again by
# the next lookup, in one transaction. Here its keys are all gone: only a
# rebuild finds anyone.
db_query "DELETE FROM match_bucket; DELETE FROM meta WHERE key = 'match_keys'"
expect_rc 0 "lookup over an index of older keys" sf lookup --given Jonathan --surname Smith --dob 2009-03-14 --postcode "HD1 2AB" --house 12
has "EXACT   Jonathan SMITH" out "the index was built again"
same "$(db_query "SELECT value FROM meta WHERE key = 'match_keys'")" 2 "the keys' version is recorded"
same "$(db_query "SELECT count(*) FROM match_person")" 6 "everyone indexed once"
expect_rc 0 "every name misspelt, after the rebuild" sf lookup --given Katrazyna --surname Mowak --dob 1990-11-03 --postcode "LS11 6DA" --house "Flat 3, 12"
has "Katarzyna NOWAK  b. 1990-11-03" out "the new key is in the rebuilt index"
# An import over older keys indexes the cohort again first, then imports.
db_query "DELETE FROM meta WHERE key = 'match_keys'"
printf 'family_id,person_id,given_name,surname,dob,postcode,house\nF000127,P0009999,Amir,Khan,2010-05-05,HD2 1AA,3\n' >more.csv
expect_rc 0 "an import over older keys" sf -q import more.csv
same "$(db_query "SELECT value FROM meta WHERE key = 'match_keys'")" 2 "the import indexed the cohort again"
same "$(db_query "SELECT count(*) FROM match_person")" 7 "everyone indexed once, the new person too"

finish

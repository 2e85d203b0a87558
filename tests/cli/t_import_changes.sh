#!/usr/bin/env bash
# A monthly refresh: import --changes says what changed, person by person;
# a duplicate row is refused, never written over the first; --full reports
# who is missing and --close-missing closes families that left; the same
# file again changes nothing.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-01-15

sf init >/dev/null
expect_rc 0 "first import with changes" sf import "$SRC/examples/cohort.csv" --changes first.csv
has "changes: 31 added, 0 updated, 0 moved, 0 missing, 0 duplicate" out "summary counts each kind"
same "$(head -n 1 first.csv)" "change,family_id,person_id,field,old,new" "changes header"
same "$(grep -c '^added,' first.csv)" "31" "one added line per person"

# The same file again: no change at all.
expect_rc 0 "same file again" sf import "$SRC/examples/cohort.csv" --changes again.csv --full
expect_output import_changes-same-again
same "$(wc -l <again.csv)" "1" "no change lines"

# Next month: the Hirsts moved house, Kayleigh now lives with them, a baby
# was born into F000130, the McDonalds (F000128) are gone.
{
  grep -v -e '^F000128,' -e ',P0004813,' -e '^F000124,' "$SRC/examples/cohort.csv"
  grep '^F000124,' "$SRC/examples/cohort.csv" | sed 's/HD1 3DH,Flat 3,"Flat 3, 40 Byram Street, Huddersfield"/HD2 2ZZ,7,"7 New Road, Huddersfield"/'
  grep ',P0004813,' "$SRC/examples/cohort.csv" | sed 's/^F000123,/F000124,/'
  echo 'F000130,,Baby,,Walker,F,2025-11-20,HD4 6LN,Flat 12,"Flat 12, Test House, Huddersfield",child,2024-08-05,,'
} >month2.csv
before=$(db_sum)
expect_rc 0 "dry run" sf import month2.csv --full --changes dry.csv --dry-run
same "$(db_sum)" "$before" "a dry run writes nothing to the database"
expect_rc 0 "monthly refresh" sf import month2.csv --full --changes changes.csv
expect_output import_changes-month2
expect_file import_changes-month2.csv changes.csv
cmp -s dry.csv changes.csv && ok || fail "the dry run's changes are the import's"
same "$(grep -c '^updated,F000124,P000482[012],postcode,HD1 3DH,HD2 2ZZ' changes.csv)" "3" "one updated line per field"
has "moved,F000124,P0004813,family_id,F000123,F000124" changes.csv "a move"
same "$(grep -c '^missing,F000128,' changes.csv)" "2" "missing people"
grep -q '^added,F000130,P[0-9]*,,,' changes.csv && ok || fail "the baby is added"
expect_rc 0 "month 2 again" sf import month2.csv --full --changes again2.csv
same "$(sed 1d again2.csv | grep -vc '^missing,')" "0" "the same file again: nothing but the still missing"

# Close the families that left.
expect_rc 2 "--close-missing needs --full and --reason" sf import month2.csv --close-missing
one_line_error "--close-missing without --full"
expect_rc 0 "close missing" sf import month2.csv --full --close-missing --reason "not in the January list"
has "closed 1 families whose people are all missing" out "closed"
sf family show F000128 >show.txt
has "not in the January list" show.txt "the closure's reason"
expect_rc 0 "after closing" sf import month2.csv --full --changes after.csv
same "$(wc -l <after.csv)" "1" "a closed family is not missing"

# A duplicate row is refused with its row number; nothing written.
{
  cat month2.csv
  grep ',P0004812,' month2.csv | sed 's/Jonathan,Paul,Smith/JONATHAN ,Paul, SMITH /'
} >dup.csv
before=$(db_sum)
expect_rc 2 "duplicate person id" sf import dup.csv --changes dup-changes.csv
has "row 32: person P0004812 again (first at row" err "duplicate named with its row"
same "$(db_sum)" "$before" "a refused duplicate writes nothing"
[ ! -e dup-changes.csv ] && ok || fail "no changes file for an aborted import"
expect_rc 0 "duplicate set aside" sf import dup.csv --rejects rej.csv --changes dup-changes.csv
has "again (first at row" rej.csv "duplicate in the rejects"
grep -q '^duplicate,F000123,P0004812,row,[0-9]*,32$' dup-changes.csv && ok || fail "duplicate change line"
same "$(db_query "select surname from person where id = 'P0004812'")" "Smith" "never written over"
# Without person ids: the same names and dob in one family, spaced and cased oddly.
printf 'family_id,given_name,surname,dob\nF000777,Mohammed,Khan,2001-01-01\nF000777,"MOHAMMED ","KHAN ",2001-01-01\n' >noid.csv
expect_rc 2 "duplicate without ids" sf import noid.csv
has "row 3: person" err "refused"
printf 'family_id,given_name,surname,dob\nF000777,Mohammed,Khan,2001-01-01\n' >noid1.csv
sf import noid1.csv >/dev/null
printf 'family_id,given_name,surname,dob\nF000777,"MOHAMMED "," KHAN",2001-01-01\n' >noid2.csv
expect_rc 0 "odd spacing and case" sf import noid2.csv --changes odd.csv
expect_rc 0 "odd spacing and case again" sf import noid2.csv --changes odd2.csv
same "$(wc -l <odd2.csv)" "1" "the same file again: no change"
# JSON Lines by extension.
printf 'family_id,given_name,surname,dob\nF000778,Ann,Lee,2002-02-02\n' >new.csv
expect_rc 0 "jsonl" sf import new.csv --changes c.jsonl
grep -q '^{"change":"added","family_id":"F000778","person_id":"P[0-9]*","field":"","old":"","new":""}$' c.jsonl && ok || fail "a JSON Lines change"

# A later file names Kayleigh under its own person id, living with another
# family now: the matcher finds her (exact names and date of birth), so she
# is linked and moved, not added twice; a new child at the Hussains' with a
# sibling's surname and birthday but another name is a new person (a twin is
# never linked). The same file again changes nothing.
people_before=$(sf family show F000125 --format json | grep -c '"person_id"')
{
  head -1 "$SRC/examples/cohort.csv"
  echo 'F000125,P9990001,Kayleigh,,Smith,F,2012-06-30,WF13 2JR,27,"27 Purlwell Lane, Batley",child,2024-04-22,,'
  echo 'F000125,P9990002,Yasmin,,Hussain,F,2013-02-28,WF13 2JR,27,"27 Purlwell Lane, Batley",child,2024-04-22,,'
} >month3.csv
expect_rc 0 "a person under a new id" sf import month3.csv --changes month3-changes.csv
has "changes: 1 added, 1 updated, 1 moved, 0 missing, 0 duplicate" out "linked, not added twice"
has "moved,F000125,P0004813,person_id,P0004813,P9990001" month3-changes.csv "the link is reported"
has "moved,F000125,P0004813,family_id,F000124,F000125" month3-changes.csv "and the move"
grep -q '^added,F000125,P9990002,' month3-changes.csv && ok || fail "a twin-like sibling is added, not linked"
same "$(sf family show F000125 --format json | grep -c '"person_id"')" "$((people_before + 2))" "two more people in the family, not three"
expect_rc 2 "the new id is not a second record" sf person show P9990001
expect_rc 0 "month 3 again" sf import month3.csv --changes month3-again.csv
has "changes: 0 added, 0 updated, 0 moved" out "the linked id is the same person next time"
same "$(wc -l <month3-again.csv)" "1" "no change lines"
expect_rc 0 "subject access after the link" sf sar P0004813
has "other_ids: P9990001" out "the linked id is held, and shown"
has "family_id: 'F000124' -> 'F000125'" out "the move is in the record's history"
has "postcode: 'HD1 2AB' -> 'WF13 2JR'" out "and each changed field"

# A file of many people the cohort does not know: the first ids are looked
# up in the database, the rest in the cohort index once as many as pay for
# loading it have been (a cohort of 931 people: 6). A known person under a
# new id is linked either way: row 2 before the index, row 10 after it.
GEN="${SFCOHORT_GEN:-$BUILD/sfcohort-gen}"
"$GEN" cohort --people 900 --seed 3 --out big.csv
expect_rc 0 "900 more people" sf import big.csv
{
  head -1 big.csv
  for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    case $i in
      2) row=$(sed -n 101p big.csv) ;;
      10) row=$(sed -n 201p big.csv) ;;
      *) row="F,P,Quillon$i,,Newcombe$i,M,1990-01-$((10 + i)),HD9 9ZZ,$i,\"$i New Street\",adult,2025-01-01" ;;
    esac
    echo "$row" | sed "s/^F[0-9]*,P[0-9]*,/FNEW$i,PNEW$i,/"
  done
} >newids.csv
expect_rc 0 "twelve people under new ids" sf import newids.csv --changes newids-changes.csv
has "changes: 10 added, 2 updated, 2 moved, 0 missing, 0 duplicate" out "two linked, ten added"
has "moved,FNEW2,$(sed -n 101p big.csv | cut -d, -f2),person_id,$(sed -n 101p big.csv | cut -d, -f2),PNEW2" newids-changes.csv "linked through the database"
has "moved,FNEW10,$(sed -n 201p big.csv | cut -d, -f2),person_id,$(sed -n 201p big.csv | cut -d, -f2),PNEW10" newids-changes.csv "linked through the cohort index"
finish

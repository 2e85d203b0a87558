#!/usr/bin/env bash
# sfcohort-gen: determinism, the CSV shapes, valid dates and postcodes, twins,
# query ground truth, and every label of the single mix.
. "$SRC/tests/cli/lib.sh"
: "${BUILD:?BUILD must name the build directory}"
GEN="$BUILD/sfcohort-gen"

# csv_awk PROGRAM FILE: runs an awk program with a CSV splitter csv(line) that
# fills F[1..n] and returns n (quoted fields, doubled quotes; one line a row).
csv_awk() {
  awk '
function csv(line,   n, i, c, q, cur) {
  n = 0; cur = ""; q = 0
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (q) {
      if (c == "\"") {
        if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ } else q = 0
      } else cur = cur c
    } else if (c == "\"") q = 1
    else if (c == ",") { F[++n] = cur; cur = "" }
    else cur = cur c
  }
  F[++n] = cur
  return n
}
function leap(y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
function valid_date(s,   y, m, d, dim) {
  if (s !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/) return 0
  y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
  if (m < 1 || m > 12 || d < 1) return 0
  dim = substr("312831303130313130313031", 2 * m - 1, 2) + 0
  if (m == 2 && leap(y)) dim = 29
  return d <= dim
}
function valid_postcode(s) {
  return s ~ /^[A-PR-UWYZ]([0-9][0-9]?|[A-HK-Y][0-9][0-9]?|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABDEFGHJLNPQRSTUWXYZ][ABDEFGHJLNPQRSTUWXYZ]$/
}
'"$1" "${@:2}"
}

# no_complaints DESCRIPTION: the last `run csv_awk` ran cleanly and printed
# nothing (no complaint); an awk that failed to run prints nothing as well.
no_complaints() {
  if [ "$RC" -eq 0 ] && [ ! -s "$T/err" ]; then ok; else fail "$1: the check itself did not run"; fi
  same "$(head -n 5 "$T/out")" "" "$1"
}

COHORT_HEADER='family_id,person_id,given_name,middle_names,surname,sex,dob,postcode,house,address,role,joined_on'
QUERY_HEADER='query_id,given_name,surname,dob,postcode,house,truth_person_id,truth_family_id,perturbation'

# ---- usage ----
expect_rc 0 "--help" "$GEN" --help
has "sfcohort-gen cohort --people N" out "help shows cohort usage"
has "--mix default|single|hard" out "help shows the mixes"
expect_rc 2 "no command" "$GEN"
expect_rc 2 "unknown command" "$GEN" frobnicate
expect_rc 2 "cohort without --people" "$GEN" cohort
expect_rc 2 "bad --people" "$GEN" cohort --people ten
expect_rc 2 "bad --start-date" "$GEN" cohort --people 10 --start-date 01/02/2015
expect_rc 2 "bad --mix" "$GEN" queries --cohort x.csv --n 5 --mix easy
expect_rc 3 "missing cohort file" "$GEN" queries --cohort "$T/nope.csv" --n 5
expect_rc 3 "unwritable output" "$GEN" cohort --people 5 --out "$T/no/such/dir/c.csv"
printf 'family_id,person_id,surname,dob\nF1,P1,Smith,31/02/2010\n' >"$T/bad.csv"
expect_rc 2 "cohort with an impossible dob" "$GEN" queries --cohort "$T/bad.csv" --n 5
has "row 1: dob '31/02/2010' is not a date" err "names the bad row"

# ---- cohort: determinism ----
expect_rc 0 "cohort seed 7" "$GEN" cohort --people 3000 --seed 7 --out "$T/c1.csv"
expect_rc 0 "cohort seed 7 again, to stdout" "$GEN" cohort --people 3000 --seed 7
if cmp -s "$T/c1.csv" "$T/out"; then ok; else fail "same seed, same bytes (file vs stdout)"; fi
expect_rc 0 "cohort seed 8" "$GEN" cohort --people 3000 --seed 8 --out "$T/c2.csv"
if cmp -s "$T/c1.csv" "$T/c2.csv"; then fail "different seeds gave identical cohorts"; else ok; fi
expect_rc 0 "cohort start date" "$GEN" cohort --people 50 --start-date 2020-01-01 --out "$T/c3.csv"
run csv_awk 'NR > 1 { csv($0); if (F[12] < "2020-01-01" || F[12] > "2023-01-01") bad++ } END { print bad + 0 }' "$T/c3.csv"
same "$OUT" "0" "joined_on follows --start-date"
ls "$T"/c1.csv.tmp.* >/dev/null 2>&1 && fail "temporary file left behind" || ok

# ---- cohort: shape and validity ----
same "$(head -n 1 "$T/c1.csv")" "$COHORT_HEADER" "cohort header"
same "$(($(wc -l <"$T/c1.csv") - 1))" "3000" "exactly --people rows"
run csv_awk '
NR == 1 { next }
{
  n = csv($0)
  if (n != 12) { print "row " NR - 1 ": " n " columns"; next }
  if (!valid_date(F[7])) print "row " NR - 1 ": bad dob " F[7]
  if (!valid_date(F[12])) print "row " NR - 1 ": bad joined_on " F[12]
  if (F[7] > F[12]) print "row " NR - 1 ": born after joining"
  if (!valid_postcode(F[8])) print "row " NR - 1 ": bad postcode " F[8]
  if (F[5] == "") print "row " NR - 1 ": empty surname"
  if (F[3] == "") print "row " NR - 1 ": empty given name"
  if (F[6] != "M" && F[6] != "F") print "row " NR - 1 ": bad sex " F[6]
  if (F[11] != "adult" && F[11] != "child") print "row " NR - 1 ": bad role " F[11]
  if (F[1] !~ /^F[0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/) print "row " NR - 1 ": bad family id " F[1]
  if (F[2] !~ /^P[0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/) print "row " NR - 1 ": bad person id " F[2]
  if (seen[F[2]]++) print "row " NR - 1 ": duplicate person id " F[2]
  if (F[9] == "" || F[10] == "") print "row " NR - 1 ": no house or address"
  if (F[9] ~ /^[=+@-]/ || F[3] ~ /^[=+@-]/ || F[5] ~ /^[=+@-]/) print "row " NR - 1 ": formula-like field"
}' "$T/c1.csv"
no_complaints "every cohort row valid"

# Twins: two children of one family with the same dob and different names.
run csv_awk 'NR > 1 { csv($0); if (F[11] == "child") { k = F[1] "|" F[7]; n[k]++; g[k] = g[k] "|" F[3] } }
END { for (k in n) if (n[k] >= 2) t++; print t + 0 }' "$T/c1.csv"
if [ "$OUT" -ge 5 ]; then ok; else fail "twins present (got $OUT sets)"; fi
# Realism the matcher must cope with: 1 January, double-barrelled and
# apostrophe surnames, flats and named houses, several families a postcode.
run csv_awk 'NR > 1 { csv($0)
  if (substr(F[7], 6) == "01-01") jan++
  if (F[5] ~ /-/) dbl++
  if (F[5] ~ /\047/) apos++
  if (F[9] ~ /^Flat /) flat++
  if (F[9] ~ /^[A-Z][a-z]/ && F[9] !~ /^Flat /) named++
  if (F[4] != "") mid++
  fam[F[1]] = F[8]
}
END { for (f in fam) hh[fam[f]]++; for (p in hh) { units++; if (hh[p] >= 2) multi++ }
  print (jan > 0) (dbl > 0) (apos > 0) (flat > 0) (named > 0) (mid > 0) (multi * 2 > units) }' "$T/c1.csv"
same "$OUT" "1111111" "cohort has 1 Jan dobs, double-barrelled and O' surnames, flats, named houses, middle names, shared postcodes"

# ---- queries ----
expect_rc 0 "queries default" "$GEN" queries --cohort "$T/c1.csv" --n 2000 --seed 3 --out "$T/q1.csv"
expect_rc 0 "queries default again" "$GEN" queries --cohort "$T/c1.csv" --n 2000 --seed 3 --out "$T/q1b.csv"
if cmp -s "$T/q1.csv" "$T/q1b.csv"; then ok; else fail "queries: same seed, same bytes"; fi
expect_rc 0 "queries other seed" "$GEN" queries --cohort "$T/c1.csv" --n 2000 --seed 4 --out "$T/q2.csv"
if cmp -s "$T/q1.csv" "$T/q2.csv"; then fail "queries: different seeds gave identical files"; else ok; fi
same "$(head -n 1 "$T/q1.csv")" "$QUERY_HEADER" "query header"
same "$(($(wc -l <"$T/q1.csv") - 1))" "2000" "exactly --n queries"

LABELS='exact case_format nickname spelling_variant typo_given typo_surname surname_punct dob_swap dob_digit postcode_char names_reversed moved no_address initial_only middle_as_first surname_changed house_format twin not_in_cohort'
SINGLE='exact case_format nickname spelling_variant typo_given typo_surname dob_swap dob_digit postcode_char names_reversed moved no_address surname_punct house_format'

# Truth ids exist (and belong together); labels are known; not_in_cohort has no
# truth. A twin, as the generator defines it (bench/gen/queries.cpp), is one of
# the people of a family sharing a dob, of any role: two parents born on one
# day count (this check never ran before; see the note in tests/cli/README.md).
check_queries() {
  # labels is an awk assignment operand: csv_awk's first argument is the
  # program (given -v first, awk took the program for a file and never ran).
  csv_awk '
FNR == 1 { file++; next }
file == 1 { csv($0); fam[F[2]] = F[1]; dob[F[2]] = F[7]; given[F[2]] = F[3]
            k = F[1] "|" F[7]; sameday[k] = sameday[k] "|" F[3]; next }
{
  n = csv($0)
  if (n != 9) { print "query " F[1] ": " n " columns"; next }
  m = split(F[9], parts, "+")
  if (m < 1 || m > 2) print "query " F[1] ": bad label " F[9]
  for (i = 1; i <= m; i++) if ((" " labels " ") !~ (" " parts[i] " ")) print "query " F[1] ": unknown label " parts[i]
  if (F[9] == "not_in_cohort") { if (F[7] != "" || F[8] != "") print "query " F[1] ": truth for not_in_cohort"; next }
  if (!(F[7] in fam)) { print "query " F[1] ": truth " F[7] " not in cohort"; next }
  if (fam[F[7]] != F[8]) print "query " F[1] ": family " F[8] " is not " F[7] "s"
  if (F[2] == "" && F[9] !~ /initial_only/) print "query " F[1] ": empty given name"
  if (F[3] == "") print "query " F[1] ": empty surname"
  if (F[9] ~ /^twin/) {
    k = F[8] "|" dob[F[7]]
    if (split(sameday[k], tw, "|") < 3) print "query " F[1] ": twin query without a twin"
  }
  if (F[9] == "exact" && F[4] != dob[F[7]]) print "query " F[1] ": exact query with another dob"
  if (F[9] == "exact" && F[2] != given[F[7]]) print "query " F[1] ": exact query with another name"
}' labels="$LABELS" "$@"
}
run check_queries "$T/c1.csv" "$T/q1.csv"
no_complaints "default queries valid"
nic=$(csv_awk 'NR > 1 { csv($0); if (F[9] == "not_in_cohort") n++ } END { print n + 0 }' "$T/q1.csv")
if [ "$nic" -ge 200 ] && [ "$nic" -le 400 ]; then ok; else fail "default mix: ~15% not_in_cohort (got $nic of 2000)"; fi

expect_rc 0 "queries single" "$GEN" queries --cohort "$T/c1.csv" --n 2000 --mix single --out "$T/qs.csv"
run check_queries "$T/c1.csv" "$T/qs.csv"
no_complaints "single-mix queries valid"
have=$(csv_awk 'NR > 1 { csv($0); print F[9] }' "$T/qs.csv" | sort -u | tr '\n' ' ')
for l in $SINGLE; do
  case " $have" in *" $l "*) ok ;; *) fail "single mix lacks $l (has: $have)" ;; esac
done
for l in $have; do
  case " $SINGLE " in *" $l "*) ok ;; *) fail "single mix has $l" ;; esac
done

expect_rc 0 "queries hard" "$GEN" queries --cohort "$T/c1.csv" --n 2000 --mix hard --out "$T/qh.csv"
run check_queries "$T/c1.csv" "$T/qh.csv"
no_complaints "hard-mix queries valid"
run csv_awk 'NR > 1 { csv($0); if (F[9] ~ /^twin/) tw++; if (F[9] ~ /\+/) dbl++ } END { print (tw > 100) (dbl > 300) }' "$T/qh.csv"
same "$OUT" "11" "hard mix over-weights twins and doubles"

# A perturbation actually perturbs: dob_swap swaps, no_address empties.
run csv_awk 'FNR == 1 { file++; next }
file == 1 { csv($0); dob[F[2]] = F[7]; next }
{ csv($0)
  if (F[9] == "dob_swap" && substr(F[4], 1, 4) substr(F[4], 9, 2) substr(F[4], 6, 2) != substr(dob[F[7]], 1, 4) substr(dob[F[7]], 6, 2) substr(dob[F[7]], 9, 2)) print "bad swap " F[1]
  if (F[9] == "dob_swap" && F[4] == dob[F[7]]) print "swap unchanged " F[1]
  if (F[9] == "no_address" && (F[5] != "" || F[6] != "")) print "address kept " F[1]
}' "$T/c1.csv" "$T/qs.csv"
no_complaints "dob_swap and no_address do what they say"

# sfcohort import accepts what the generator writes: any other exit fails.
expect_rc 3 "feeds into a folder that is not there" "$GEN" feeds --cohort "$T/c1.csv" --rows 10 --dir "$T/nowhere"
one_line_error_gen() { [ "$(grep -vc '^sfcohort-gen: hint: ' "$T/err")" -eq 1 ] && ok || fail "$1: not one error line"; }
one_line_error_gen "feeds into a folder that is not there"
has "nowhere/truth.csv: cannot write" err "the file named"
has "hint: the folder --dir names must exist" err "the folder's hint"
[ ! -e "$T/nowhere" ] && ok || fail "feeds made the folder"
expect_rc 0 "init" sf init
expect_rc 0 "sfcohort import accepts the generated cohort" sf import --dry-run "$T/c1.csv"
expect_output gen-import-dry-run

finish

#!/usr/bin/env bash
# sfcohort train: learning the match weights (u from random pairs of the
# cohort, m by EM over the queries' blocked pairs), showing them, the team's
# bands, bad input; and lookups scoring with what was stored: scores are
# probabilities and every strong outscores every possible.
source "$SRC/tests/cli/lib.sh"
GEN="${SFCOHORT_GEN:-$BUILD/sfcohort-gen}"
if [ ! -x "$GEN" ]; then
  fail "sfcohort-gen is not built (bench/CMakeLists.txt)"
  finish
  exit 1
fi
"$GEN" cohort --people 3000 --seed 5 --out cohort.csv
"$GEN" queries --cohort cohort.csv --n 800 --seed 5 --out queries.csv

expect_rc 0 "init" sf -q init
# Nothing to learn from yet.
expect_rc 2 "train an empty cohort" sf train
one_line_error "empty cohort"
has "nothing to learn from" err "empty cohort said"
expect_rc 0 "import" sf -q import cohort.csv

expect_rc 0 "show untrained" sf train --show
has "built-in (untrained)" out "untrained said"
has "(defaults)" out "default bands said"
has "dob         exact" out "the table lists the levels"

# Bad input: exit 2, one line naming what is wrong, nothing stored.
printf 'given,surname\nA,B\n' >bad.csv
expect_rc 2 "queries without the columns" sf train --queries bad.csv
one_line_error "queries without the columns"
has "bad.csv" err "file named"
has "dob" err "missing column named"
expect_rc 3 "queries file missing" sf train --queries nowhere.csv
one_line_error "queries file missing"
expect_rc 2 "bands not BAND=P" sf train --bands possible
has "'possible' is not BAND=PROBABILITY" err "bad band named"
expect_rc 2 "bands out of order" sf train --bands possible=0.99,strong=0.5
has "must be below the strong one" err "order explained"
expect_rc 2 "bands out of range" sf train --bands strong=1.5
expect_rc 2 "unknown band" sf train --bands likely=0.5
expect_rc 0 "still untrained" sf train --show
has "built-in (untrained)" out "bad input stored nothing"

# From the cohort alone: u learned, m built-in.
expect_rc 0 "train on the cohort" sf train
has "m built-in (no queries)" err "source noted"
# With the queries: m by EM (their truth columns are not read).
expect_rc 0 "train with queries" sf train --queries queries.csv
has "m by EM over" err "EM noted"
expect_rc 0 "show trained" sf train --show
cp "$T/out" show1.txt
has "match model: learned" show1.txt "trained said"
has "800 queries from queries.csv" show1.txt "source stored"
# The same cohort and queries give the same weights.
expect_rc 0 "train again" sf -q train --queries queries.csv
expect_rc 0 "show again" sf train --show
grep -v "^match model" show1.txt >a.txt
grep -v "^match model" "$T/out" >b.txt
if cmp -s a.txt b.txt; then ok; else fail "training is not repeatable"; fi
# A date of birth that agrees counts for a lot; one that differs, against.
awk '$1=="dob" && $2=="exact" && $NF+0 > 8 {f=1} END {exit !f}' show1.txt && ok || fail "dob exact weight"
awk '$1=="dob" && $2=="differs" && $NF+0 < -3 {f=1} END {exit !f}' show1.txt && ok || fail "dob differs weight"

# Lookups use the stored weights; scores are probabilities in band order.
expect_rc 0 "batch" sf lookup --batch queries.csv --output out.csv
perl -I "$SRC/tests/cli/tools" -MCsv -e '
  my ($minstrong, $maxposs) = (2, -1);
  open my $in, "<", $ARGV[0] or die; my %c = header($in);
  while (<$in>) { s/\r?\n$//; my @f = fields($_); my ($b, $s) = @f[@c{qw(match score)}];
    next unless defined $s && $s ne "";
    die "score $s out of 0..1\n" if $s < 0 || $s > 1;
    $minstrong = $s if ($b eq "strong" || $b eq "exact") && $s < $minstrong;
    $maxposs = $s if $b eq "possible" && $s > $maxposs; }
  exit($minstrong > $maxposs && $maxposs >= 0 ? 0 : 1);
' out.csv && ok || fail "every strong outscores every possible"

# The team's bands: stored, shown, used.
expect_rc 0 "set bands" sf train --bands possible=0.5,strong=0.999
expect_rc 0 "show bands" sf train --show
has "possible from probability 0.5000, strong from 0.9990 (set by the team)" out "bands shown"
has "match model: learned" out "bands alone do not retrain"
expect_rc 0 "batch with the team's bands" sf lookup --batch queries.csv --output out2.csv
perl -I "$SRC/tests/cli/tools" -MCsv -e '
  open my $in, "<", $ARGV[0] or die; my %c = header($in); my $bad = 0;
  while (<$in>) { s/\r?\n$//; my @f = fields($_); my ($b, $s) = @f[@c{qw(match score)}];
    $bad++ if $b eq "possible" && ($s < 0.5 || $s >= 0.999);
    $bad++ if $b eq "strong" && $s < 0.999; }
  exit($bad ? 1 : 0);
' out2.csv && ok || fail "the team's bands are the thresholds"

# Audited, like every command reading personal data.
expect_rc 0 "audit" sf audit --action train
has "people=3000" out "training audited"
has "action=train bands, possible=0.5, strong=0.999" out "bands audited"
finish

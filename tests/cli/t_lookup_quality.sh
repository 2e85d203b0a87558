#!/usr/bin/env bash
# Lookup quality on generated data with ground truth (bench/lookup_quality.sh),
# on both noise models of sfcohort-gen: our UK-style one (a 20,000-person
# cohort, 5,000 queries) and the FEBRL-style one (3,000 queries). Fails when
# a target of either is missed (the targets are in the script).
source "$SRC/tests/cli/lib.sh"
GEN="${SFCOHORT_GEN:-$BUILD/sfcohort-gen}"
if [ ! -x "$GEN" ]; then
  fail "sfcohort-gen is not built (bench/CMakeLists.txt)"
  finish
  exit 1
fi
Q="$SRC/bench/lookup_quality.sh"
if bash "$Q" "$SFCOHORT" "$GEN" 20000 5000 default 7 >"$T/uk" 2>"$T/err"; then ok; else fail "UK-style quality targets"; fi
cat "$T/uk"
if bash "$Q" "$SFCOHORT" "$GEN" 20000 3000 febrl 11 >"$T/febrl" 2>>"$T/err"; then ok; else fail "FEBRL-style quality targets"; fi
cat "$T/febrl"
has "noise model: febrl" febrl "the FEBRL-style model ran"
has "given_two_edits" febrl "FEBRL-style kinds reported"
finish

#!/usr/bin/env bash
# Lookup quality on generated data with ground truth (bench/lookup_quality.sh):
# a 20,000-person cohort and 5,000 realistic queries; fails when any target
# of issue 3 is missed. Needs sfcohort-gen (bench/) in the build.
source "$SRC/tests/cli/lib.sh"
GEN="${SFCOHORT_GEN:-$BUILD/sfcohort-gen}"
if [ ! -x "$GEN" ]; then
  fail "sfcohort-gen is not built (bench/CMakeLists.txt)"
  finish
  exit 1
fi
if bash "$SRC/bench/lookup_quality.sh" "$SFCOHORT" "$GEN" 20000 5000 default 7 >"$T/out" 2>"$T/err"; then ok; else RC=$?; fail "quality targets"; fi
cat "$T/out"
finish

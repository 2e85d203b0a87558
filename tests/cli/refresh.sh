#!/usr/bin/env bash
# Rewrites tests/cli/expected/ from what the built binary prints now, by
# running every end-to-end test with SFCOHORT_REFRESH=1. Review the result
# with `git diff tests/cli/expected` (and `git status` for files added or
# removed) before committing: the expected files are the behaviour the tests
# pin, so a refresh must only change what you meant to change.
#
#   tests/cli/refresh.sh [BUILD-DIR] [CTEST-REGEX]    default: build, cli_
#
# Files no test writes any more are removed first; a test that fails for
# another reason still fails here (its other checks are not skipped).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
regex=${2:-^cli_}
[ -f "$build/CTestTestfile.cmake" ] || { echo "refresh.sh: $build is not a configured build tree" >&2; exit 2; }
if [ "$regex" = "^cli_" ]; then
  rm -f "$here"/expected/*
fi
cd "$build"
status=0
SFCOHORT_REFRESH=1 ctest -j2 -R "$regex" --output-on-failure || status=$?
git -C "$here" status --short -- expected
exit "$status"

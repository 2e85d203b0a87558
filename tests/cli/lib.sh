# Helpers for end-to-end tests: source this, then call the checks.
# Each test runs in a fresh temp dir with its own database, keys and home,
# so nothing outside it is read or written.
#
# Expected output (git's t/*.sh habit, see README.md here): after `run` or
# `expect_rc`, `expect_output NAME` compares the command's stdout and stderr
# with tests/cli/expected/NAME.out and NAME.err, and `expect_file NAME FILE`
# compares a file the command wrote with tests/cli/expected/NAME. Both pass
# the text through `normalise` first (the one filter for what varies between
# runs: see it below) and, on a mismatch, print a unified diff and fail.
# NAME starts with the test's name without t_ (lookup-..., share_keys-...),
# so no two tests write the same file.
#
# Refreshing: with SFCOHORT_REFRESH=1 in the environment the helpers write
# the expected files instead of comparing (a stream that is empty has no
# file), e.g. `SFCOHORT_REFRESH=1 ctest -R cli_t_lookup`, or
# tests/cli/refresh.sh for every test. Then review them with `git diff`:
# the expected files are the behaviour the tests pin.
set -u
: "${SFCOHORT:?SFCOHORT must name the built binary}"
: "${SRC:?SRC must name the source tree}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
export SFCOHORT_DB="$T/cohort.db" SFCOHORT_KEYS="$T/keys" SFCOHORT_USER=tester
# On PostgreSQL: SFCOHORT_TEST_PG names the environment file of a running
# test cluster (tests/pg/cluster.sh, which ctest starts for the pg_* tests).
# Each test then gets a database of its own, dropped when it ends, and
# SFCOHORT_DB is its URI; expected output shows it as <T>/cohort.db. A
# check that is about the SQLite file itself asks `on_sqlite` first.
PG_MODE=
if [ -n "${SFCOHORT_TEST_PG:-}" ]; then
  # shellcheck disable=SC1090
  . "$SFCOHORT_TEST_PG"
  PG_DB="t_$(basename "$0" .sh | tr -c 'a-z0-9_' _)_$$"
  "$PG_BIN/createdb" "$PG_DB" || exit 1
  export SFCOHORT_DB="postgresql:///$PG_DB?host=$PGHOST"
  PG_MODE=1
  trap '"$PG_BIN/dropdb" --force "$PG_DB" >/dev/null 2>&1; rm -rf "$T"' EXIT
fi
# on_sqlite: true unless the test runs on PostgreSQL.
on_sqlite() { [ -z "$PG_MODE" ]; }
# acting NAME: who a record names when NAME acts (--as, SFCOHORT_USER): NAME
# on SQLite; on PostgreSQL the database user the server authenticated.
acting() { if [ -n "$PG_MODE" ]; then echo "$PGUSER"; else echo "$1"; fi; }
# db_query SQL: runs a query on the test's database, either backend; rows one
# a line, columns separated by '|' (sqlite3's and psql -At's default).
db_query() {
  if [ -n "$PG_MODE" ]; then
    "$PG_BIN/psql" -X -q -At -d "$PG_DB" -c "SET search_path = sfcohort" -c "$1"
  else
    sqlite3 "$SFCOHORT_DB" "$1"
  fi
}
unset SFCOHORT_PURPOSE SFCOHORT_PASSPHRASE_FILE
SFCOHORT_REFRESH=${SFCOHORT_REFRESH:-}
# Scratch files (TempFile with no folder) go to $TMPDIR: keep them here too,
# where a test can see that none is left behind.
export TMPDIR="$T/tmp"
mkdir -p "$HOME" "$TMPDIR"
FAILS=0
PASSES=0
SKIPS=0
sf() { "$SFCOHORT" "$@"; }

# run CMD...: runs it, keeping stdout in $T/out, stderr in $T/err, status in $RC.
run() {
  "$@" >"$T/out" 2>"$T/err"
  RC=$?
  OUT=$(cat "$T/out")
  ERR=$(cat "$T/err")
}
ok() { PASSES=$((PASSES + 1)); }
fail() {
  FAILS=$((FAILS + 1))
  echo "FAIL: $*" >&2
  echo "  exit: ${RC:-?}" >&2
  echo "  stdout: $(head -c 2000 "$T/out" 2>/dev/null)" >&2
  echo "  stderr: $(head -c 2000 "$T/err" 2>/dev/null)" >&2
}
# expect_rc N DESCRIPTION CMD...: runs CMD and checks its exit status.
expect_rc() {
  local want=$1 what=$2
  shift 2
  run "$@"
  if [ "$RC" -eq "$want" ]; then ok; else fail "$what: want exit $want"; fi
}
# has TEXT WHERE DESCRIPTION: WHERE is out or err of the last run, or a file
# in the test's folder. hasnt: WHERE is readable and lacks TEXT (a missing
# file fails: it lacks nothing).
has() {
  if grep -qF -- "$1" "$T/$2"; then ok; else fail "$3: $2 lacks '$1'"; fi
}
hasnt() {
  grep -qF -- "$1" "$T/$2"
  case $? in
    1) ok ;;
    0) fail "$3: $2 has '$1'" ;;
    *) fail "$3: cannot read $2" ;;
  esac
}
# same A B DESCRIPTION: A equals B.
same() {
  if [ "$1" = "$2" ]; then ok; else fail "$3: got '$1', want '$2'"; fi
}
# one_line_error DESCRIPTION: stderr is exactly one "sfcohort: error:" line plus hints.
one_line_error() {
  local n
  n=$(grep -vc '^sfcohort: hint: ' "$T/err")
  if [ "$n" -eq 1 ] && grep -q '^sfcohort: error: ' "$T/err"; then ok; else fail "$1: not one error line"; fi
}
# db_sum: a digest of the database's contents. If sqlite3 cannot read it, a
# message numbered by call instead, so two failed reads never compare equal.
db_sum() {
  local dump
  if [ -n "$PG_MODE" ]; then
    # Sequences move on in transactions rolled back too, and pg_dump's
    # \restrict lines carry a random key: neither is data.
    dump=$("$PG_BIN/pg_dump" --schema=sfcohort --no-owner -d "$PG_DB" 2>&1 |
      grep -v -e setval -e '^\\restrict ' -e '^\\unrestrict ') ||
      dump="pg_dump failed: $dump"
    printf '%s\n' "$dump" | sha256sum | cut -d' ' -f1
    return
  fi
  if dump=$(sqlite3 "$SFCOHORT_DB" '.dump' 2>&1); then
    printf '%s\n' "$dump" | sha256sum | cut -d' ' -f1
  else
    echo x >>"$T/.db_sum_failures"
    echo "db_sum: sqlite3 failed (call $(wc -l <"$T/.db_sum_failures")): $dump"
  fi
}

EXPECTED="$SRC/tests/cli/expected"
TEST_NAME=$(basename "$0" .sh)
TEST_NAME=${TEST_NAME#t_}
REFRESHED=0
USED_NAMES=" "
# normalise: stdin to stdout with what varies between runs replaced by a
# placeholder, and nothing else: this test's temp dir (<T>), the source and
# build trees (<SRC>, <BUILD>), UTC timestamps (<TIME>), durations
# ("in <DUR> s"), age recipients and secret keys (<AGE-RECIPIENT>,
# <AGE-SECRET-KEY>), minisign public keys (<MINISIGN-KEY>) and key ids after
# "key " (<KEY-ID>: 1 to 16 digits, as minisign prints them), and hex digests
# and random ids by their length (<HEX128> BLAKE2b, <HEX64> SHA-256, <HEX32>
# a database id). Dates alone are kept: a test that prints today's date sets
# SFCOHORT_TODAY instead.
normalise() {
  NT="$T" NSRC="$SRC" NBUILD="${BUILD:-$(dirname "$SFCOHORT")}" NDB="$SFCOHORT_DB" perl -pe '
    s/\Q$ENV{NDB}\E/$ENV{NT}\/cohort.db/g if $ENV{NDB} =~ m{^postgres};
    s/\Q$ENV{NT}\E/<T>/g;
    s/\Q$ENV{NBUILD}\E/<BUILD>/g;
    s/\Q$ENV{NSRC}\E/<SRC>/g;
    s/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/<TIME>/g;
    s/\bin \d+(\.\d+)? s\b/in <DUR> s/g;
    s/\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/<AGE-SECRET-KEY>/g;
    s/\bage1[02-9ac-hj-np-z]{58}\b/<AGE-RECIPIENT>/g;
    s/\bRW[A-Za-z0-9+\/]{54}/<MINISIGN-KEY>/g;
    s/\bkey (id )?[0-9A-F]{1,16}\b/key $1<KEY-ID>/g;
    s/\b[0-9a-f]{128}\b/<HEX128>/g;
    s/\b[0-9a-f]{64}\b/<HEX64>/g;
    s/\b[0-9a-f]{32}\b/<HEX32>/g;
  '
}
# test_cmp EXPECTED ACTUAL DESCRIPTION: the files are the same, or a unified
# diff (expected first) is printed and the test fails. A missing EXPECTED
# file stands for empty output.
test_cmp() {
  local want=$1
  [ -e "$want" ] || want=/dev/null
  if diff -u --label "expected/${1##*/}" --label "actual" "$want" "$2" >"$T/diff"; then
    ok
  else
    FAILS=$((FAILS + 1))
    echo "FAIL: $3: output differs from expected/${1##*/}" >&2
    cat "$T/diff" >&2
  fi
}
# compare_expected NAME ACTUAL DESCRIPTION: ACTUAL (already normalised) against
# expected/NAME, or written there when refreshing (removed if ACTUAL is empty).
#
# On PostgreSQL, where an output differs by design (the audit's actor is the
# database user; a disposal notes what copies remain on the server),
# expected/pg/NAME pins it instead of expected/NAME; refreshing on
# PostgreSQL writes expected/pg/NAME only where it differs from expected/NAME.
compare_expected() {
  local name=$1 actual=$2
  if [ -n "$PG_MODE" ]; then
    if [ "$SFCOHORT_REFRESH" = 1 ]; then
      local plain="$EXPECTED/$name"
      [ -e "$plain" ] || plain=/dev/null
      if cmp -s "$plain" "$actual"; then
        rm -f "$EXPECTED/pg/$name"
      else
        mkdir -p "$EXPECTED/pg"
        cp "$actual" "$EXPECTED/pg/$name"
      fi
      REFRESHED=$((REFRESHED + 1))
      ok
      return
    fi
    if [ -e "$EXPECTED/pg/$name" ]; then
      test_cmp "$EXPECTED/pg/$name" "$actual" "$3"
      return
    fi
  fi
  if [ "$SFCOHORT_REFRESH" = 1 ]; then
    mkdir -p "$EXPECTED"
    if [ -s "$actual" ]; then cp "$actual" "$EXPECTED/$name"; else rm -f "$EXPECTED/$name"; fi
    REFRESHED=$((REFRESHED + 1))
    ok
  else
    test_cmp "$EXPECTED/$name" "$actual" "$3"
  fi
}
check_name() {
  case "$1" in
    "$TEST_NAME"-*) ;;
    *) fail "expected-output name '$1' does not start with '$TEST_NAME-'"; return 1 ;;
  esac
  case "$USED_NAMES" in
    *" $1 "*) fail "expected-output name '$1' used twice"; return 1 ;;
  esac
  USED_NAMES="$USED_NAMES$1 "
}
# expect_output NAME: the last run's stdout and stderr, normalised, are
# expected/NAME.out and expected/NAME.err (an absent file: that stream is
# empty). At least one of the two files must exist unless refreshing.
expect_output() {
  local name=$1
  check_name "$name" || return
  if [ "$SFCOHORT_REFRESH" != 1 ] && [ ! -e "$EXPECTED/$name.out" ] && [ ! -e "$EXPECTED/$name.err" ]; then
    fail "$name: no expected/$name.out or .err (refresh: see tests/cli/README.md)"
    return
  fi
  normalise <"$T/out" >"$T/$name.out.actual"
  normalise <"$T/err" >"$T/$name.err.actual"
  compare_expected "$name.out" "$T/$name.out.actual" "$name (stdout)"
  compare_expected "$name.err" "$T/$name.err.actual" "$name (stderr)"
}
# expect_file NAME FILE: FILE, normalised, is expected/NAME (NAME keeps the
# file's extension, e.g. lookup-batch.csv). FILE must exist.
expect_file() {
  local name=$1
  check_name "$name" || return
  if [ ! -f "$2" ]; then fail "$name: $2 was not written"; return; fi
  if [ "$SFCOHORT_REFRESH" != 1 ] && [ ! -e "$EXPECTED/$name" ]; then
    fail "$name: no expected/$name (refresh: see tests/cli/README.md)"
    return
  fi
  normalise <"$2" >"$T/$name.actual"
  compare_expected "$name" "$T/$name.actual" "$name"
}
# skip DESCRIPTION: a part of the test that cannot run here, said so on the
# result line ("1 skipped"); only for a missing tool, never for a failure.
skip() {
  SKIPS=$((SKIPS + 1))
  echo "SKIP: $*" >&2
}
finish() {
  local extra=""
  [ "$SKIPS" -gt 0 ] && extra=", $SKIPS skipped"
  [ "$REFRESHED" -gt 0 ] && extra="$extra, $REFRESHED expected files refreshed"
  echo "$(basename "$0"): $PASSES passed, $FAILS failed$extra"
  [ "$FAILS" -eq 0 ]
}

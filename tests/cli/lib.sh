# Helpers for end-to-end tests: source this, then call the checks.
# Each test runs in a fresh temp dir with its own database, keys and home,
# so nothing outside it is read or written.
set -u
: "${SFCOHORT:?SFCOHORT must name the built binary}"
: "${SRC:?SRC must name the source tree}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
export SFCOHORT_DB="$T/cohort.db" SFCOHORT_KEYS="$T/keys" SFCOHORT_USER=tester
unset SFCOHORT_PURPOSE SFCOHORT_PASSPHRASE_FILE
mkdir -p "$HOME"
FAILS=0
PASSES=0
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
# has TEXT WHERE DESCRIPTION: WHERE is out or err of the last run.
has() {
  if grep -qF -- "$1" "$T/$2"; then ok; else fail "$3: $2 lacks '$1'"; fi
}
hasnt() {
  if grep -qF -- "$1" "$T/$2"; then fail "$3: $2 has '$1'"; else ok; fi
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
db_sum() { sqlite3 "$SFCOHORT_DB" '.dump' 2>/dev/null | sha256sum | cut -d' ' -f1; }
finish() {
  echo "$(basename "$0"): $PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}

#!/usr/bin/env bash
# Documentation: every man page is lint-clean, every command has a page, and
# every option a command's --help lists is in that page.
source "$SRC/tests/cli/lib.sh"

for page in "$SRC"/man/*.[157]; do
  lint=$(mandoc -T lint -W warning "$page" 2>&1)
  if [ -z "$lint" ]; then ok; else fail "mandoc lint: $lint"; fi
done

# options_of HELP-TEXT: the long and short options listed in a --help text.
options_of() {
  sed -n '/^Options:/,/^$/p' <<<"$1" | grep -oE '^ +(-[A-Za-z],)?--?[A-Za-z][A-Za-z0-9-]*' |
    sed -E 's/^ +//; s/,/\n/' | grep -v -e '^-h$' -e '^--help$'
}
subcommands_of() {
  sed -n '/^Subcommands:/,/^$/p' <<<"$1" | grep -oE '^  [a-z][a-z0-9-]*' | sed 's/^ *//'
}
# check_command PAGE WORDS...: the options of `sfcohort WORDS --help`, and of
# its subcommands unless WORDS is empty, are in PAGE.
check_command() {
  local page=$1
  shift
  local help opt sub
  help=$("$SFCOHORT" "$@" --help 2>&1)
  for opt in $(options_of "$help"); do
    OPTIONS_SEEN=$((OPTIONS_SEEN + 1))
    # In mdoc, --rejects is written Fl -rejects; in man(7), \-\-rejects.
    local bare=${opt#-}
    bare=${bare#-}
    if grep -qE -- "(Fl -?${bare}\b|\\\\-\\\\-${bare}\b|Fl ${bare}\b)" "$page"; then ok; else fail "sfcohort $* $opt is not in $(basename "$page")"; fi
  done
  [ $# -eq 0 ] && return
  for sub in $(subcommands_of "$help"); do
    check_command "$page" "$@" "$sub"
  done
}
# page_check PAGE WORDS...: check_command, and fail if no option at all was
# found (the help's layout changed, and nothing would have been checked).
page_check() {
  OPTIONS_SEEN=0
  check_command "$@"
  [ "$OPTIONS_SEEN" -gt 0 ] && ok || fail "sfcohort ${*:2} --help: no options found to check"
}
page_check "$SRC/man/sfcohort.1"
commands=$(subcommands_of "$("$SFCOHORT" --help)")
same "$(printf '%s\n' $commands | grep -cxE 'init|import|lookup|check|nominate|export|share|audit')" 8 \
  "sfcohort --help lists the eight commands (else none would be checked)"
for cmd in $commands; do
  page="$SRC/man/sfcohort-$cmd.1"
  if [ -f "$page" ]; then ok; else fail "sfcohort $cmd has no man page"; continue; fi
  page_check "$page" "$cmd"
  grep -q "Xr sfcohort-$cmd 1" "$SRC/man/sfcohort.1" && ok || fail "sfcohort.1 does not refer to sfcohort-$cmd(1)"
done
finish

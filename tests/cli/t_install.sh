#!/usr/bin/env bash
# `make install` puts the binary, the man pages and readable copies of the
# data files under PREFIX, and the installed binary works on its own.
source "$SRC/tests/cli/lib.sh"
: "${BUILD:?BUILD must name the build tree}"

expect_rc 0 "cmake --install to a temporary prefix" cmake --install "$BUILD" --prefix "$T/prefix"
P="$T/prefix"
[ -x "$P/bin/sfcohort" ] && ok || fail "no installed binary"
for page in "$SRC"/man/*.[157]; do
  sec=${page##*.}
  [ -f "$P/share/man/man$sec/$(basename "$page")" ] && ok || fail "man page $(basename "$page") not installed"
done
[ -f "$P/share/sfcohort/schema/0001_init.sql" ] && ok || fail "schema not installed"
[ -f "$P/share/sfcohort/names/nicknames.csv" ] && ok || fail "name tables not installed"
for set in "$SRC"/schema/criteria/*.json; do
  [ -e "$set" ] || continue
  [ -f "$P/share/sfcohort/criteria/$(basename "$set")" ] && ok || fail "criteria set $(basename "$set") not installed"
done
# The installed binary needs nothing from the source or build tree.
mkdir elsewhere && cd elsewhere || exit 1
expect_rc 0 "installed binary runs from anywhere" "$P/bin/sfcohort" --version
has "sfcohort " out "version printed"
expect_rc 0 "installed binary creates a database" "$P/bin/sfcohort" --db here.db init
finish

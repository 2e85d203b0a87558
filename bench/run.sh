#!/usr/bin/env bash
# `make bench`: the import, lookup, seal, report and workbook benchmarks, one markdown report on stdout.
#   bench/run.sh BUILD_DIR
set -euo pipefail
here=$(dirname "$0")
bash "$here/import.sh" "${1:?usage: bench/run.sh BUILD_DIR}"
echo
bash "$here/lookup.sh" "$1"
echo
bash "$here/seal.sh" "$1"
echo
bash "$here/report.sh" "$1"
echo
bash "$here/xlsx.sh" "$1"

#!/bin/bash
# Issue 4's bench correctness check: every bench/ program at its small size
# (bench/SIZES, second column) must print under ljit exactly what luajit
# prints, and exit as luajit does. luajit is the reference, run live; the
# test is skipped (and says so) only on a machine without luajit.
set -u
LJIT=$(realpath "$1")
BENCH=$PWD/bench  # the runfiles tree holds the programs and SIZES

if ! command -v luajit >/dev/null; then
  echo "SKIPPED: no luajit on PATH to compare with"
  exit 0
fi

checked=0
passed=0
failures=0
listed=()
while read -r name small _timed _default; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  listed+=("$name")
  checked=$((checked + 1))
  want=$(cd "$BENCH" && timeout 60 luajit "$name.lua" "$small" 2>&1)
  want_status=$?
  got=$(cd "$BENCH" && timeout 60 "$LJIT" "$name.lua" "$small" 2>&1)
  got_status=$?
  if [[ "$got" != "$want" || $got_status -ne $want_status ]]; then
    echo "FAIL $name $small (ljit exit $got_status, luajit exit $want_status)"
    diff <(echo "$got") <(echo "$want") | head -10
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
done < "$BENCH/SIZES"

# Every program in bench/ must be listed, so none escapes the check.
for f in "$BENCH"/*.lua; do
  name=$(basename "$f" .lua)
  if [[ ! " ${listed[*]} " == *" $name "* ]]; then
    echo "FAIL $name is not in bench/SIZES"
    failures=$((failures + 1))
  fi
done

echo "bench correctness: $passed/$checked programs print luajit's output at their small size"
if [[ $checked -lt 25 || $failures -ne 0 ]]; then
  echo "$failures failure(s), $checked program(s) checked"
  exit 1
fi

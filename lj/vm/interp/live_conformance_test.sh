#!/bin/bash
# Acceptance 1, live: runs every testing/lua/*.lua and examples/*.lua under
# Debian's luajit and lua5.1 (when installed). Where both accept a program
# (exit status 0) and print the same, ljit must print exactly that too.
# Programs the two references disagree on (LuaJIT extensions, goto, number
# formatting) are only counted; conformance_test covers them against
# luajit's recorded output.
set -u
LJIT=$(realpath "$1")
ROOT=$PWD
if ! command -v luajit > /dev/null || ! command -v lua5.1 > /dev/null; then
  echo "luajit or lua5.1 not installed: nothing compared"
  exit 0
fi
compared=0
disagree=0
failures=0
for f in "$ROOT"/testing/lua/*.lua "$ROOT"/examples/*.lua; do
  dir=$(dirname "$f")
  name=$(basename "$f")
  ref_jit=$(cd "$dir" && timeout 20 luajit "$name" 2>/dev/null) || { disagree=$((disagree + 1)); continue; }
  ref_lua=$(cd "$dir" && timeout 20 lua5.1 "$name" 2>/dev/null) || { disagree=$((disagree + 1)); continue; }
  if [[ "$ref_jit" != "$ref_lua" ]]; then
    disagree=$((disagree + 1))
    continue
  fi
  compared=$((compared + 1))
  actual=$(cd "$dir" && timeout 20 "$LJIT" "$name" 2>/dev/null)
  if [[ "$actual" != "$ref_jit" ]]; then
    echo "FAIL $name"
    diff <(echo "$actual") <(echo "$ref_jit") | head -20
    failures=$((failures + 1))
  fi
done
echo "live conformance: $compared programs where luajit and lua5.1 agree, ljit matched $((compared - failures));" \
  "$disagree where the references differ or fail"
if [[ $compared -eq 0 ]]; then
  echo "no program compared: the corpus is missing"
  exit 1
fi
[[ $failures -eq 0 ]]

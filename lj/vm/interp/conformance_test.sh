#!/bin/bash
# Conformance: runs ljit over every testing/lua/*.lua and examples/*.lua
# and compares stdout with the output luajit recorded (.out). Fails on any
# mismatch except the files listed in NEEDS below, which use parts not built
# yet; a listed file that passes is also a failure (the list must shrink).
set -u
LJIT=$(realpath "$1")
ROOT=$PWD  # the runfiles tree holds testing/lua and examples

# Files that need parts not built yet, with what they need.
declare -A NEEDS=(
)

pass=0
total=0
failures=0
for f in "$ROOT"/testing/lua/*.lua "$ROOT"/examples/*.lua; do
  dir=$(dirname "$f")
  name=$(basename "$f" .lua)
  [[ -f "$dir/$name.out" ]] || continue
  total=$((total + 1))
  actual=$(cd "$dir" && timeout 20 "$LJIT" "$name.lua" 2>/dev/null)
  if [[ "$actual" == "$(cat "$dir/$name.out")" ]]; then
    if [[ -n "${NEEDS[$name]:-}" ]]; then
      echo "UNEXPECTED PASS $name (remove it from NEEDS)"
      failures=$((failures + 1))
    fi
    pass=$((pass + 1))
  elif [[ -z "${NEEDS[$name]:-}" ]]; then
    echo "FAIL $name"
    diff <(echo "$actual") "$dir/$name.out" | head -20
    failures=$((failures + 1))
  fi
done

echo "conformance: $pass/$total programs print luajit's output"
echo "waiting for missing libraries (${#NEEDS[@]}):"
for name in "${!NEEDS[@]}"; do echo "  $name: ${NEEDS[$name]}"; done | sort
if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi

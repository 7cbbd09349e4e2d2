#!/bin/bash
# Dumps against the reference, for every corpus program (testing/lua and
# examples), each in its own directory so chunk names are "@name.lua":
#  1. string.dump of the main chunk equals `luajit -b -g` byte for byte
#     (and stripped: `luajit -b`), and `ljit -b` equals `luajit -b`. The one
#     allowed difference: the order of template-table hash entries when a
#     template has two or more (luajit seeds its string hashes per process);
#     such dumps must then be equal after sorting those entries.
#  2. Round trip: running our dump prints what luajit prints running its
#     own dump (without luajit: the recorded output, .out); the stripped
#     dump too, where luajit's stripped dump prints the .out.
#  3. luajit runs our dump and prints what it prints running its own.
# Parts 1 and 3 need luajit; without it they are reported as not run.
set -u
LJIT=$(realpath "$1")
CANON=$(realpath "$2")
ROOT=$PWD
TMP="${TEST_TMPDIR:-/tmp}"
failures=0
identical=0 reordered=0 roundtrips=0 stripped_roundtrips=0 luajit_runs=0 total=0
have_luajit=0
command -v luajit > /dev/null && have_luajit=1

fail() {
  echo "FAIL $1"
  failures=$((failures + 1))
}

# same_dump NAME OURS THEIRS: identical, or equal up to template hash order.
same_dump() {
  if cmp -s "$2" "$3"; then
    identical=$((identical + 1))
    return
  fi
  local n
  n=$("$CANON" "$2" "$TMP/ours.canon") || { fail "$1: our dump does not read back"; return; }
  "$CANON" "$3" "$TMP/theirs.canon" > /dev/null || { fail "$1: luajit's dump does not read"; return; }
  if [[ "$n" -gt 0 ]] && cmp -s "$TMP/ours.canon" "$TMP/theirs.canon"; then
    reordered=$((reordered + 1))
  else
    fail "$1: dump differs from luajit's"
    cmp "$2" "$3" | head -2
  fi
}

for f in "$ROOT"/testing/lua/*.lua "$ROOT"/examples/*.lua; do
  dir=$(dirname "$f")
  name=$(basename "$f" .lua)
  [[ -f "$dir/$name.out" ]] || continue
  total=$((total + 1))
  cd "$dir"
  "$LJIT" -e "io.write(string.dump(assert(loadfile('$name.lua'))))" > "$TMP/full.raw"
  "$LJIT" -e "io.write(string.dump(assert(loadfile('$name.lua')), true))" > "$TMP/strip.raw"
  "$LJIT" -b "$name.lua" "$TMP/cli.raw" || fail "$name: ljit -b"
  cmp -s "$TMP/strip.raw" "$TMP/cli.raw" || fail "$name: ljit -b differs from string.dump(f, true)"
  if [[ $have_luajit -eq 1 ]]; then
    luajit -b -g "$name.lua" "$TMP/ref_full.raw"
    luajit -b "$name.lua" "$TMP/ref_strip.raw"
    same_dump "$name (debug info)" "$TMP/full.raw" "$TMP/ref_full.raw"
    same_dump "$name (stripped)" "$TMP/strip.raw" "$TMP/ref_strip.raw"
  fi
  # Run from the program's directory: the dump names its chunk "@name.lua".
  # The reference is what luajit prints running its own dump (a few
  # programs observe the template layout a dump rebuilds, so a dump can
  # print other than the source), else the recorded output.
  expected=$(cat "$name.out")
  if [[ $have_luajit -eq 1 ]]; then
    expected=$(timeout 20 luajit "$TMP/ref_full.raw" 2> /dev/null)
    [[ "$expected" == "$(cat "$name.out")" ]] || echo "note: $name: luajit's own dump prints other than its source"
  fi
  actual=$(timeout 20 "$LJIT" "$TMP/full.raw" 2> /dev/null)
  if [[ "$actual" == "$expected" ]]; then
    roundtrips=$((roundtrips + 1))
  else
    fail "$name: dump -> load -> run differs"
    diff <(echo "$actual") <(echo "$expected") | head -5
  fi
  # Stripped code loses line numbers and names: compare where luajit's own
  # stripped dump still prints the recorded output (without luajit: where
  # the output shows no source positions).
  if [[ $have_luajit -eq 1 ]]; then
    reference=$(timeout 20 luajit "$TMP/ref_strip.raw" 2> /dev/null)
  else
    reference=$(grep -v '\.lua:' "$name.out")
  fi
  if [[ "$reference" == "$(cat "$name.out")" ]]; then
    actual=$(timeout 20 "$LJIT" "$TMP/strip.raw" 2> /dev/null)
    if [[ "$actual" == "$reference" ]]; then
      stripped_roundtrips=$((stripped_roundtrips + 1))
    else
      fail "$name: stripped dump -> load -> run differs"
    fi
  fi
  if [[ $have_luajit -eq 1 ]]; then
    actual=$(timeout 20 luajit "$TMP/full.raw" 2> /dev/null)
    if [[ "$actual" == "$expected" ]]; then
      luajit_runs=$((luajit_runs + 1))
    else
      fail "$name: luajit running our dump differs from running its own"
    fi
  fi
done

# The builtins written in bytecode dump as luajit's do (no debug info,
# the bare name as chunk name).
builtins=0
if [[ $have_luajit -eq 1 ]]; then
  for fn in math.deg math.rad string.len table.remove table.getn table.foreach table.foreachi; do
    "$LJIT" -e "io.write(string.dump($fn))" > "$TMP/ours.builtin"
    luajit -e "io.write(string.dump($fn))" > "$TMP/theirs.builtin"
    if cmp -s "$TMP/ours.builtin" "$TMP/theirs.builtin"; then
      builtins=$((builtins + 1))
    else
      fail "string.dump($fn) differs from luajit's"
    fi
  done
fi

echo "programs: $total"
if [[ $have_luajit -eq 1 ]]; then
  echo "dumps identical to luajit's: $identical of $((2 * total)); equal up to template hash order: $reordered"
  echo "luajit runs our dump correctly: $luajit_runs"
  echo "builtins dumped as luajit dumps them: $builtins of 7"
else
  echo "luajit not installed: byte identity and luajit runs NOT checked"
fi
echo "round trips (debug info): $roundtrips; stripped: $stripped_roundtrips"
if [[ $total -lt 50 ]]; then fail "corpus too small ($total programs)"; fi
if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all dump checks passed"

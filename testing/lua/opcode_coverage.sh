#!/bin/bash
# Checks that the Lua corpus beside this script makes `luajit -bl` emit every
# bytecode opcode that Lua source can produce in LuaJIT 2.1. Prints a table of
# opcode -> number of occurrences (and the first file using it); exits 1 if any
# required opcode is missing. Skips (exit 0) only when luajit is not installed.
set -euo pipefail

# The opcodes Lua source can produce (all of LuaJIT 2.1's except ISTYPE, ISNUM,
# TGETR, TSETR, KCDATA and the I*/J* variants patched in at run time).
REQUIRED="ISLT ISGE ISLE ISGT ISEQV ISNEV ISEQS ISNES ISEQN ISNEN ISEQP ISNEP
ISTC ISFC IST ISF MOV NOT UNM LEN ADDVN SUBVN MULVN DIVVN MODVN ADDNV SUBNV
MULNV DIVNV MODNV ADDVV SUBVV MULVV DIVVV MODVV POW CAT KSTR KSHORT KNUM KPRI
KNIL UGET USETV USETS USETN USETP UCLO FNEW TNEW TDUP GGET GSET TGETV TGETS
TGETB TSETV TSETS TSETB TSETM CALLM CALL CALLMT CALLT ITERC ITERN VARG ISNEXT
RETM RET RET0 RET1 FORI FORL ITERL LOOP JMP FUNCF FUNCV"

if ! command -v luajit >/dev/null 2>&1; then
  echo "SKIP: luajit is not installed; opcode coverage not checked"
  exit 0
fi

# Find the corpus: under Bazel through the runfiles tree, otherwise beside us.
corpus_dir=""
for candidate in \
    "${TEST_SRCDIR:-}/lj/testing/lua" \
    "${RUNFILES_DIR:-}/lj/testing/lua" \
    "$(dirname "${BASH_SOURCE[0]}")"; do
  if [[ -n "$candidate" && -d "$candidate" ]] && \
     ls "$candidate"/*.lua >/dev/null 2>&1; then
    corpus_dir="$candidate"
    break
  fi
done
if [[ -z "$corpus_dir" ]]; then
  echo "FAIL: cannot find the Lua corpus (TEST_SRCDIR=${TEST_SRCDIR:-unset})"
  exit 1
fi

# List every instruction's opcode as "OPCODE FILE"; `-bl` lines start with a
# 4-digit pc, optionally followed by the "=>" jump-target marker.
listing=$(mktemp)
trap 'rm -f "$listing" "$listing.one" "$listing.walker.lua"' EXIT
file_count=0
for lua_file in "$corpus_dir"/*.lua; do
  file_count=$((file_count + 1))
  if ! luajit -bl "$lua_file" > "$listing.one" 2>&1; then
    echo "FAIL: luajit -bl rejected $(basename "$lua_file"):"
    cat "$listing.one"
    rm -f "$listing.one"
    exit 1
  fi
  awk -v f="$(basename "$lua_file")" '
    /^[0-9][0-9][0-9][0-9] / {
      op = ($2 == "=>") ? $3 : $2
      print op, f
    }' "$listing.one" >> "$listing"
done
rm -f "$listing.one"

# `-bl` never lists pc 0, the function header (FUNCF/FUNCV), so read it with
# jit.util.funcbc from every prototype of every file.
header_walker='
local util, vmdef = require("jit.util"), require("jit.vmdef")
local function opname(ins)
  local op = bit.band(ins, 0xff)
  return (vmdef.bcnames:sub(op * 6 + 1, op * 6 + 6):gsub(" ", ""))
end
local function walk(fn, file)
  print(opname(util.funcbc(fn, 0)), file)
  local index = -1
  while true do
    local k = util.funck(fn, index)
    if k == nil then break end
    if type(k) == "proto" then walk(k, file) end
    index = index - 1
  end
end
for i = 1, #arg do
  local path = arg[i]
  walk(assert(loadfile(path)), (path:gsub("^.*/", "")))
end'
printf '%s\n' "$header_walker" > "$listing.walker.lua"
if ! luajit "$listing.walker.lua" "$corpus_dir"/*.lua >> "$listing"; then
  echo "FAIL: could not read function headers with jit.util"
  exit 1
fi

# Report every opcode seen, then the required ones that are missing.
echo "corpus: $corpus_dir ($file_count files)"
printf '%-8s %8s  %s\n' OPCODE COUNT FIRST_FILE
missing=()
for op in $REQUIRED; do
  count=$(awk -v o="$op" '$1 == o' "$listing" | wc -l)
  first=$(awk -v o="$op" '$1 == o { print $2; exit }' "$listing")
  printf '%-8s %8d  %s\n' "$op" "$count" "${first:--}"
  if [[ "$count" -eq 0 ]]; then missing+=("$op"); fi
done
extra=$(awk '{print $1}' "$listing" | sort -u | while read -r op; do
  [[ " $(echo $REQUIRED) " == *" $op "* ]] || echo "$op"; done | tr '\n' ' ')
if [[ -n "$extra" ]]; then echo "also seen (not required): $extra"; fi

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "FAIL: missing opcodes: ${missing[*]}"
  exit 1
fi
echo "PASS: all $(echo $REQUIRED | wc -w) required opcodes covered"

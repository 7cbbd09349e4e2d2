#!/bin/bash
# Checks the ljit command line: -bl listing from a file and from stdin,
# syntax errors reported as luajit does (exit status 1), usage errors,
# running scripts with arguments and -e, uncaught errors with tracebacks.
set -u
LJIT="$1"
TMP="${TEST_TMPDIR:-/tmp}"
failures=0

check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1"
    echo "  expected: $2"
    echo "  actual:   $3"
    failures=$((failures + 1))
  fi
}

printf 'local x = 1\nprint(x)\n' > "$TMP/ok.lua"
expected='-- BYTECODE -- ok.lua:0-3
0001    KSHORT   0   1
0002    GGET     1   0      ; "print"
0003    MOV      3   0
0004    CALL     1   1   2
0005    RET0     0   1'
check "listing from a file" "$expected" "$("$LJIT" -bl "$TMP/ok.lua")"
check "-b -l form" "$expected" "$("$LJIT" -b -l "$TMP/ok.lua")"
check "listing from stdin" "${expected/ok.lua/stdin}" "$("$LJIT" -bl - < "$TMP/ok.lua")"
"$LJIT" -bl "$TMP/ok.lua" "$TMP/out.txt"
check "listing to a file" "$expected" "$(cat "$TMP/out.txt")"

printf 'local x = 1\nx = = 2\n' > "$TMP/bad.lua"
LJIT=$(realpath "$LJIT")
cd "$TMP"
msg=$("$LJIT" -bl bad.lua 2>&1 >/dev/null); status=$?
check "syntax error message" "ljit: bad.lua:2: unexpected symbol near '='" "$msg"
check "syntax error status" 1 "$status"

msg=$(printf 'x =' | "$LJIT" -bl - 2>&1); status=$?
check "stdin syntax error" "ljit: stdin:1: unexpected symbol near '<eof>'" "$msg"
check "stdin syntax error status" 1 "$status"

msg=$("$LJIT" -bl "$TMP/missing.lua" 2>&1); status=$?
check "missing file" "ljit: cannot open $TMP/missing.lua: No such file or directory" "$msg"
check "missing file status" 1 "$status"

"$LJIT" -bl > /dev/null 2>&1; status=$?
check "usage status" 1 "$status"

msg=$("$LJIT" "$TMP/ok.lua" 2>&1); status=$?
check "run a script" "1" "$msg"
check "run status" 0 "$status"

printf 'print(select("#", ...), ...)\nprint(arg[0], arg[1], arg[-1] ~= nil)\n' > "$TMP/args.lua"
check "script arguments" "$(printf '2\ta\tb\nargs.lua\ta\ttrue')" "$("$LJIT" args.lua a b 2>&1)"
check "-e chunk" "3" "$("$LJIT" -e 'print(1 + 2)' 2>&1)"

printf 'local function f()\n  error("boom")\nend\nf()\n' > "$TMP/err.lua"
msg=$("$LJIT" err.lua 2>&1); status=$?
msg=$(sed -E 's/at 0x[0-9a-f]+$/at ADDR/' <<< "$msg")
expected="ljit: err.lua:2: boom
stack traceback:
	[C]: in function 'error'
	err.lua:2: in function 'f'
	err.lua:4: in main chunk
	[C]: at ADDR"
check "uncaught error" "$expected" "$msg"
check "uncaught error status" 1 "$status"

msg=$("$LJIT" -e 'error({})' 2>&1)
check "error object" "ljit: (error object is not a string)" "$msg"
msg=$("$LJIT" -e 'error()' 2>&1); status=$?
check "nil error prints nothing" "" "$msg"
check "nil error status" 1 "$status"

# -- Options against luajit ---------------------------------------------------
# Each case runs under ljit and luajit with the same stdin and environment;
# stdout+stderr (with the program name and luajit's "[C]: at 0x..." line
# normalized) and the exit status must agree. Skipped only when luajit is
# absent; the count of compared cases is printed.
compared=0
same_as_luajit() {  # same_as_luajit NAME ARGS... (LINES=n: first n lines only)
  local name="$1"; shift
  local a b ra rb
  a=$("$LJIT" "$@" 2>&1 < "$TMP/stdin.lua"); ra=$?
  b=$(luajit "$@" 2>&1 < "$TMP/stdin.lua"); rb=$?
  a=${a//ljit/luajit}
  a=$(sed -E 's/\[C\]: at 0x[0-9a-f]+/[C]: at ADDR/' <<< "$a" | head -n "${LINES:-100000}")
  b=$(sed -E 's/\[C\]: at 0x[0-9a-f]+/[C]: at ADDR/' <<< "$b" | head -n "${LINES:-100000}")
  check "$name (output)" "$b" "$a"
  check "$name (status)" "$rb" "$ra"
  compared=$((compared + 1))
}
if command -v luajit > /dev/null; then
  printf 'print("stdin", ...)\n' > "$TMP/stdin.lua"
  printf 'print(...) print(arg[0], arg[-1], arg[-2], arg[1], #arg)\n' > "$TMP/s.lua"
  printf 'return 42\n' > "$TMP/m1.lua"
  printf 'print("from init file")\n' > "$TMP/init.lua"
  same_as_luajit "arg table with -e before the script" -e 'x=1' s.lua a b
  same_as_luajit "-- then script" -- s.lua z
  same_as_luajit "- runs stdin with args" - q
  same_as_luajit "no script: stdin" 
  same_as_luajit "missing script" nonexistent.lua
  same_as_luajit "unknown option" -x
  same_as_luajit "-e without chunk" -e
  same_as_luajit "-l without name" -l
  same_as_luajit "-v with a tail" -vx
  same_as_luajit "--x" --x
  same_as_luajit "attached -e chunk" '-eprint(7)'
  same_as_luajit "-e syntax error" -e 'print(1'
  same_as_luajit "-e runtime error" -e 'error("x")'
  same_as_luajit "-l module then -e" -lm1 -e 'print(m1, package.loaded.m1)'
  # (the C-module lines of luajit's message come with the package library)
  LINES=8 same_as_luajit "-l missing module" -lnonexistent_module_x
  same_as_luajit "-O bad flag" -O+bogus -e ''
  same_as_luajit "-O levels and flags" -O1 -O+fold,-cse,hotloop=5 -e 'print(select(5, jit.status()))'
  same_as_luajit "-O resets flags" -O0 -O -e 'print(select("#", jit.status()))'
  same_as_luajit "-joff" -joff -e 'print(jit.status())'
  same_as_luajit "-j flush" -j flush -e 'print(1)'
  same_as_luajit "unknown -j command" -jfoo -e ''
  same_as_luajit "-E ignores LUA_INIT" -E -e 'print(2)'
  LUA_INIT='print("init")' same_as_luajit "LUA_INIT chunk" -e 'print(2)'
  LUA_INIT='error("boom")' same_as_luajit "LUA_INIT error" -e 'print(2)'
  LUA_INIT="@$TMP/init.lua" same_as_luajit "LUA_INIT @file" s.lua
  LUA_INIT="@$TMP/missing_init.lua" same_as_luajit "LUA_INIT missing file" -e 'print(2)'
  LUA_INIT='print("x")' same_as_luajit "-E with LUA_INIT" -E s.lua
  echo "compared $compared option cases with luajit"
else
  echo "luajit not installed: option cases not compared"
fi
msg=$("$LJIT" -jv -e '' 2>&1); status=$?
check "-jv not supported yet" "ljit: -jv is not supported yet: it needs the trace compiler" "$msg"
check "-jv status" 1 "$status"
check "-v" "LuaJIT 2.1.0-beta3 -- ljit (lj project)" "$("$LJIT" -v)"

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all ljit command line checks passed"

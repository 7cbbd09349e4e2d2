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
expected="ljit: err.lua:2: boom
stack traceback:
	[C]: in function 'error'
	err.lua:2: in function 'f'
	err.lua:4: in main chunk
	[C]: in ?"
check "uncaught error" "$expected" "$msg"
check "uncaught error status" 1 "$status"

msg=$("$LJIT" -e 'error({})' 2>&1)
check "error object" "ljit: (error object is not a string)" "$msg"
msg=$("$LJIT" -e 'error()' 2>&1); status=$?
check "nil error prints nothing" "" "$msg"
check "nil error status" 1 "$status"

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all ljit command line checks passed"

#!/bin/bash
# Checks the ljit command line: -bl listing from a file and from stdin,
# syntax errors reported as luajit does (exit status 1), usage errors,
# running scripts with arguments and -e, uncaught errors with tracebacks,
# -b saving and running dumps, the interactive loop; options, -b and
# interactive sessions are compared live with luajit where it is installed.
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
check "syntax error message" "$LJIT: bad.lua:2: unexpected symbol near '='" "$msg"
check "syntax error status" 1 "$status"

msg=$(printf 'x =' | "$LJIT" -bl - 2>&1); status=$?
check "stdin syntax error" "$LJIT: stdin:1: unexpected symbol near '<eof>'" "$msg"
check "stdin syntax error status" 1 "$status"

msg=$("$LJIT" -bl "$TMP/missing.lua" 2>&1); status=$?
check "missing file" "$LJIT: cannot open $TMP/missing.lua: No such file or directory" "$msg"
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
expected="$LJIT: err.lua:2: boom
stack traceback:
	[C]: in function 'error'
	err.lua:2: in function 'f'
	err.lua:4: in main chunk
	[C]: at ADDR"
check "uncaught error" "$expected" "$msg"
check "uncaught error status" 1 "$status"

# On one pipe the error message comes before output still buffered, as luajit.
printf 'io.write("out1\\n")\nerror("boom")\n' > "$TMP/order.lua"
msg=$("$LJIT" order.lua 2>&1 | head -1)
check "error before buffered output" "$LJIT: order.lua:2: boom" "$msg"
msg=$("$LJIT" order.lua 2>&1 | tail -1)
check "buffered output after the error" "out1" "$msg"

msg=$("$LJIT" -e 'error({})' 2>&1)
check "error object" "$LJIT: (error object is not a string)" "$msg"
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
  a=${a//"$LJIT"/luajit}  # luajit, like ljit, names itself by its argv[0]
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
check "-jv not supported yet" "$LJIT: -jv is not supported yet: it needs the trace compiler" "$msg"
check "-jv status" 1 "$status"
check "-v" "LuaJIT 2.1.0-beta3 -- ljit (lj project)" "$("$LJIT" -v)"


# -- Bytecode saving (-b) and running dumps -----------------------------------
printf 'local t = {1, 2, x = "y"}\nlocal function f(a) return a * 2 end\nprint(f(21), t[2], t.x)\n' > "$TMP/save.lua"
"$LJIT" -b "$TMP/save.lua" "$TMP/save.raw"; status=$?
check "-b status" 0 "$status"
check "-b output starts with the dump header" "1b4c4a020a" "$(head -c 5 "$TMP/save.raw" | od -An -tx1 | tr -d ' \n')"
check "running a dump" "42	2	y" "$("$LJIT" "$TMP/save.raw" 2>&1)"
check "a dump on stdin" "42	2	y" "$("$LJIT" - < "$TMP/save.raw" 2>&1)"
check "dofile and loadfile of a dump" "42	2	y
function" "$("$LJIT" -e "dofile('$TMP/save.raw') print(type(loadfile('$TMP/save.raw')))" 2>&1)"
head -c 20 "$TMP/save.raw" > "$TMP/short.raw"
msg=$("$LJIT" "$TMP/short.raw" 2>&1); status=$?
check "truncated dump" "$LJIT: $TMP/short.raw: cannot load malformed bytecode" "$msg"
check "truncated dump status" 1 "$status"
(printf '#!/usr/bin/env ljit\n'; cat "$TMP/save.raw") > "$TMP/shebang.raw"
msg=$("$LJIT" "$TMP/shebang.raw" 2>&1); status=$?
check "a dump after a #! line is refused" "$LJIT: cannot load malformed bytecode" "$msg"
check "a dump after a #! line: status" 1 "$status"
msg=$("$LJIT" -b -t obj "$TMP/save.lua" "$TMP/save.o" 2>&1); status=$?
check "-t obj is refused" "$LJIT: object file output is not supported: use -t c or -t h" "$msg"
check "-t obj status" 1 "$status"

# No script and a terminal on stdin: the interactive loop with its banner
# (script(1) provides the terminal).
if command -v script > /dev/null; then
  out=$(printf '=1+1\n' | timeout 10 script -qec "$LJIT" /dev/null | tr -d '\r')
  check "terminal: banner" "LuaJIT 2.1.0-beta3 -- ljit (lj project)" "$(grep '^LuaJIT' <<< "$out")"
  check "terminal: =expr" "> 2" "$(grep '^> 2' <<< "$out")"
else
  echo "script(1) not installed: the terminal case is NOT checked"
fi

# -- The interactive loop against luajit -----------------------------------------
# stdout and stderr are compared separately (luajit does not flush stdout
# before an error message); the banner's two lines are checked apart.
repl_compared=0
same_repl() {  # same_repl NAME INPUT ARGS...
  local name="$1" input="$2"; shift 2
  local ra rb
  printf "$input" > "$TMP/repl.in"
  "$LJIT" "$@" < "$TMP/repl.in" > "$TMP/a.out" 2> "$TMP/a.err"; ra=$?
  luajit "$@" < "$TMP/repl.in" > "$TMP/b.out" 2> "$TMP/b.err"; rb=$?
  check "$name (banner)" "LuaJIT 2.1.0-beta3 -- ljit (lj project)" "$(head -n 1 "$TMP/a.out")"
  check "$name (JIT line)" "JIT:" "$(sed -n 2p "$TMP/a.out" | cut -c1-4)"
  check "$name (stdout)" "$(tail -n +3 "$TMP/b.out")" "$(tail -n +3 "$TMP/a.out")"
  check "$name (stderr)" "$(sed -E 's/0x[0-9a-f]+/ADDR/; s/luajit/ljit/g' "$TMP/b.err")" \
    "$(sed -E "s/0x[0-9a-f]+/ADDR/; s|$LJIT|ljit|g" "$TMP/a.err")"
  check "$name (status)" "$rb" "$ra"
  repl_compared=$((repl_compared + 1))
}
if command -v luajit > /dev/null; then
  same_repl "statements, =expr, continuation, errors" \
    'x = 1\n=x\nx\nfor i=1,2 do\nprint(i)\nend\nerror("boo")\n=1,2\nlocal a =\n\n3 print(a)\n' -i
  same_repl "print replaced, error objects, empty =" 'print = 1\n=2\nerror({})\nerror()\n=\n' -i
  same_repl "incomplete statement at end of input" 'for i=1,2 do\n' -i
  same_repl "empty input" '' -i
  printf 'y = 5\n' > "$TMP/quiet.lua"
  same_repl "after a script" '=y\n' -i "$TMP/quiet.lua"
  same_repl "after -e" '=z + 1\n' -e 'z = 41' -i
  same_repl "return values and nil" 'return 1, nil, "s"\n=nil\nreturn\n' -i
  same_repl "syntax error" 'x = = 1\n=x\n' -i
  echo "compared $repl_compared interactive sessions with luajit"

  # -b against luajit: the same bytes, listings and messages.
  printf 'for i = 1, 3 do print(("line %%d"):format(i), i / 2) end\n' > "$TMP/big.lua"
  for opts in "" "-g" "-s" "-t c" "-t h" "-n mod.name -t h" "-g -t c"; do
    # shellcheck disable=SC2086
    "$LJIT" -b $opts "$TMP/big.lua" "$TMP/ours.out"
    # shellcheck disable=SC2086
    luajit -b $opts "$TMP/big.lua" "$TMP/theirs.out"
    cmp -s "$TMP/ours.out" "$TMP/theirs.out" || check "-b $opts same bytes as luajit" "same" "different"
  done
  "$LJIT" -b - - < "$TMP/big.lua" > "$TMP/ours.out"
  luajit -b - - < "$TMP/big.lua" > "$TMP/theirs.out"
  cmp -s "$TMP/ours.out" "$TMP/theirs.out" || check "-b - - same bytes as luajit" "same" "different"
  "$LJIT" -b -g -e 'x = {1, 2}' "$TMP/ours.out"
  luajit -b -g -e 'x = {1, 2}' "$TMP/theirs.out"
  cmp -s "$TMP/ours.out" "$TMP/theirs.out" || check "-b -g -e same bytes as luajit" "same" "different"
  luajit -b -g "$TMP/big.lua" "$TMP/theirs.raw"
  check "-bl of luajit's dump" "$(luajit -bl "$TMP/theirs.raw")" "$("$LJIT" -bl "$TMP/theirs.raw")"
  "$LJIT" -b "$TMP/big.lua" "$TMP/ours.raw"
  check "luajit runs ljit's dump" "$(luajit "$TMP/big.lua")" "$(luajit "$TMP/ours.raw" 2>&1)"
  printf 'x =\n' > "$TMP/synerr.lua"
  same_as_luajit "-b usage" -b
  same_as_luajit "-b one file" -b s.lua
  same_as_luajit "-b syntax error" -b synerr.lua out.raw
  same_as_luajit "-b missing input" -b nonexistent.lua out.raw
  same_as_luajit "-b unknown type" -b -t zz s.lua out.raw
  same_as_luajit "-b bad module name" -b -n 'a b' -t h s.lua -
  same_as_luajit "-b module name from -e" -b -t h -e 'x=1' -
  same_as_luajit "-b unknown option" -b -q s.lua out.raw
  same_as_luajit "-h" -h
  echo "compared $compared option and -b cases with luajit in all"
else
  echo "luajit not installed: interactive sessions and -b not compared"
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all ljit command line checks passed"

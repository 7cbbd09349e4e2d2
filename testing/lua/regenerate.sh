#!/bin/bash
# Re-records the expected outputs of the corpus from Debian's luajit:
#   NAME.out         <- luajit NAME.lua            (stdout, run from this folder)
#   errors/NAME.err  <- luajit NAME.lua 2>&1       (run from errors/)
#   ../../examples/NAME.out <- luajit NAME.lua     (run from examples/)
# Files are run by bare name from their own folder so that error positions
# read "NAME.lua:LINE:". Fails if a program is not deterministic (two runs
# differ), differs under -joff, or exits non-zero.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

record_outputs() {
  local dir="$1"
  cd "$dir"
  for lua_file in *.lua; do
    local name="${lua_file%.lua}"
    luajit "$lua_file" > "$name.out"
    if ! cmp -s "$name.out" <(luajit "$lua_file"); then
      echo "not deterministic: $dir/$lua_file"; exit 1
    fi
    if ! cmp -s "$name.out" <(luajit -joff "$lua_file"); then
      echo "differs under -joff: $dir/$lua_file"; exit 1
    fi
  done
}

record_errors() {
  cd "$here/errors"
  for lua_file in *.lua; do
    luajit "$lua_file" > "${lua_file%.lua}.err" 2>&1 || true
  done
}

(record_outputs "$here")
(record_outputs "$here/../../examples")
(record_errors)
echo "regenerated: $(ls "$here"/*.out | wc -l) .out, $(ls "$here"/errors/*.err | wc -l) .err, $(ls "$here"/../../examples/*.out | wc -l) example .out"

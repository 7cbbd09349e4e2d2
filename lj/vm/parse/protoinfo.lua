-- Prints what jit.util reports about every prototype of a Lua file, in the
-- order `luajit -bl` lists them (children first). fidelity.cc prints the
-- same from ljit's Proto, so line info, frame sizes, constant counts and
-- upvalue names are compared, not only the listing.
--   luajit protoinfo.lua file.lua
local jutil = require("jit.util")
local fmt = string.format

local function dump(func)
  local fi = jutil.funcinfo(func)
  if fi.children then
    for n = -1, -1000000000, -1 do
      local k = jutil.funck(func, n)
      if not k then break end
      if type(k) == "proto" then dump(k) end
    end
  end
  io.write(fmt("F %s-%d params=%d slots=%d vararg=%s uv=%d kn=%d kgc=%d bc=%d\n",
    fi.loc, fi.lastlinedefined, fi.params, fi.stackslots,
    tostring(fi.isvararg), fi.upvalues, fi.nconsts, fi.gcconsts, fi.bytecodes))
  local lines = {}
  for pc = 1, fi.bytecodes - 1 do
    lines[#lines + 1] = jutil.funcinfo(func, pc).currentline
  end
  io.write("L ", table.concat(lines, " "), "\n")
  local names = {}
  for i = 0, fi.upvalues - 1 do names[#names + 1] = jutil.funcuvname(func, i) end
  io.write("U ", table.concat(names, " "), "\n")
end

local f = assert(loadfile(arg[1]))
dump(f)

-- LuaJIT's bytecode builtins (math.deg/rad, string.len, table.remove/getn/
-- foreach/foreachi) with their argument checks and raw table access, and
-- the libraries around them: bit extras, require "table.new"/"table.clear",
-- collectgarbage switches, newproxy, binary number literals, NaN printing.
local i = debug.getinfo(table.remove)
print(i.what, i.source, i.short_src, i.linedefined, i.nparams)
print(debug.getinfo(math.deg, "S").short_src, debug.getinfo(string.len, "S").what)

-- argument errors name the builtin as its caller does
print(pcall(table.remove, nil))
print(pcall(table.getn))
print(pcall(table.foreach, {}, 1))
print(pcall(table.foreachi, 1))
print(pcall(string.len, {}))
print(pcall(math.deg, nil))
print(pcall(function() local t = table.remove(true) end))
local ok, msg = pcall(function() local rm = table.remove rm("x") end)
print(ok, msg)

-- coercions: a numeric string for ISNUM, a number for string.len
print(string.len(12345), math.deg("2"), math.rad(90), table.remove({1, 2, 3}, "2"))
print(pcall(table.remove, {1, 2, 3}, "two"))

-- raw access: metamethods never run
local log = {}
local t = setmetatable({}, {
  __index = function(_, k) log[#log + 1] = "index " .. tostring(k) return 0 end,
  __newindex = function(_, k) log[#log + 1] = "newindex " .. tostring(k) end,
})
rawset(t, 1, "a") rawset(t, 2, "b") rawset(t, 3, "c")
print(table.remove(t, 1), table.remove(t), table.getn(t), rawget(t, 1), #log)

-- remove at every position, the empty table, positions out of range
for pos = 0, 5 do
  local u = {10, 20, 30, 40}
  local got = table.remove(u, pos)
  print(pos, got, #u, table.concat(u, ","))
end
print(select("#", table.remove({})), select("#", table.remove({}, 3)), table.remove({1}, 1))

-- foreach / foreachi stop at the first non-nil result
print(table.foreachi({5, 6, 7}, function(k, v) if v == 6 then return k * 100 end end))
local sum = 0
print(table.foreach({a = 1, b = 2, c = 3}, function(k, v) sum = sum + v end), sum)
print(table.foreach({x = 42}, function(k, v) return k .. "=" .. v end))
print(table.foreachi({}, error))

-- errors inside the callback pass through the builtin
print(pcall(table.foreachi, {1}, function() error("inner", 0) end))

-- bit
print(bit.tohex(1, 17), bit.tohex(-1, 12), bit.tohex(0xabc, -5), bit.tohex(1, 0) == "")
print(bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-0.5), bit.tobit("0x10"), bit.band(0xffff, "255"))
print(pcall(bit.band))
print(pcall(bit.lshift, 1))

-- table.new / table.clear through require
local new = require "table.new"
local clear = require "table.clear"
local big = new(100, 10)
for k = 1, 100 do big[k] = k end
big.x = 1
print(#big, table.new == new, require("table.new") == new, package.loaded["table.clear"] == clear)
clear(big)
print(#big, next(big))
print(pcall(new, "x"))

-- collectgarbage and newproxy
print(collectgarbage("isrunning"), collectgarbage("stop"), collectgarbage("isrunning"))
print(collectgarbage("restart"), collectgarbage("isrunning"), collectgarbage("step", 0) ~= nil)
print(pcall(collectgarbage, "bogus"))
local p = newproxy(true)
getmetatable(p).__tostring = function() return "proxy!" end
print(type(p), tostring(p), tostring(newproxy(p)), getmetatable(newproxy(false)))
print(pcall(newproxy, 1))

-- numbers: binary literals and NaN of either sign
print(tonumber("0b101"), tonumber(" -0B11 "), tonumber("0b"), tonumber("0b12"), tonumber("0b1.1"))
local nan = 0 / 0
print(nan, -nan, string.format("%f %g", nan, -nan), tostring(-nan) == tostring(nan))

-- jit: the parts that do not depend on whether traces run
print(jit.version, jit.version_num, jit.arch, jit.os, type(jit.on), type(jit.opt.start))
print(pcall(jit.opt.start, "bogus"))
print(pcall(jit.opt.start, "hotloop=5", "-fold", "+fold", "nocse", "no-cse", "3"))

-- a builtin in a tail call has no caller to name it or give a position
local function tail() return table.remove(nil) end
print(pcall(tail))
print(pcall(function() local t = {rm = table.remove} t.rm(5) end))
print(pcall(function() local t = {rm = table.remove, 7} return t:rm(1), #t end))
print(("abcd"):len(), ("x"):rep(3):len())
print(math.mod, math.fmod(7, 3), math.fmod(-7, 3))

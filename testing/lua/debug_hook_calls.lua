-- Call and return hooks around the interpreter's direct Lua calls and
-- returns (CALL, CALLT, RET0/RET1 back to CALL with B=0, methods found
-- through __index), and the C calls print makes: luajit's print calls
-- tostring for anything but strings and numbers, so a call hook sees it.
local log = {}
local function f(n) if n == 0 then return 0 end return f(n - 1) + 1 end
local function g(a, b, c) return a, b, c end
local function t(n) if n == 0 then return "done" end return t(n - 1) end
debug.sethook(function(ev)
  local i = debug.getinfo(2, "nS")
  log[#log + 1] = ev .. ":" .. tostring(i and i.name)
end, "cr")
f(3)
print(g(1))
print(t(2))
print(select('#', g()))
print(true, "s", 2, {} ~= nil)
local obj = setmetatable({}, {__index = {m = function(self, x) return x end}})
print(obj:m(5))
debug.sethook()
print(#log)
print(table.concat(log, " "))
local lines = {}
debug.sethook(function(ev, l) lines[#lines + 1] = l end, "l")
f(2)
debug.sethook()
print(table.concat(lines, ","))

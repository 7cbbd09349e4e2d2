-- debug.traceback (message, level, thread; non-string messages), debug
-- getmetatable/setmetatable on every kind of value, getregistry,
-- getfenv/setfenv, and the argument errors. Addresses in tracebacks are
-- replaced by ADDR.
local function clean(s) return (tostring(s):gsub("0x%x+", "ADDR")) end

local function inner() return debug.traceback("msg") end
local function outer() local r = inner() return r end
print(clean(outer()))
print(clean(debug.traceback("lvl2", 2)))
print(clean(debug.traceback("lvl0", 0)))
print(clean(debug.traceback()))
print(clean(debug.traceback(42)))
print(debug.traceback(nil))
print(type(debug.traceback({})), debug.traceback(true))
print(pcall(debug.traceback, "x", "y"))
for _ in function() print(clean(debug.traceback("iter"))) return nil end do end
local t = setmetatable({}, {__index = function() return debug.traceback("mm") end})
print(clean(t.x))
local function deep(n) if n == 0 then return debug.traceback("deep") end local r = deep(n - 1) return r end
print(clean(deep(30)))

-- Threads: suspended, fresh, dead.
local co = coroutine.create(function()
  local function nested() coroutine.yield() end
  nested()
end)
coroutine.resume(co)
print(clean(debug.traceback(co)))
print(clean(debug.traceback(co, "with message")))
print(clean(debug.traceback(co, "from level 1", 1)))
print(debug.traceback(co, nil))
print(debug.traceback(coroutine.create(function() end), "fresh"))
coroutine.resume(co)
print(debug.traceback(co, "dead"))

-- Metatables of any value; __metatable does not hide them here.
local protected = setmetatable({}, {__metatable = "locked"})
print(getmetatable(protected), type(debug.getmetatable(protected)))
print(debug.getmetatable(1), debug.getmetatable(nil))
print(debug.setmetatable(10, {__index = {double = function(n) return n * 2 end}}))
print((5):double(), debug.getmetatable(7) ~= nil)
print(debug.setmetatable(10, nil), debug.getmetatable(7))
debug.setmetatable(nil, {__index = function() return "nil indexed" end})
local nothing = nil
print(nothing.anything)
debug.setmetatable(nil, nil)
print(pcall(function() return nothing.anything end))
local fmt = {__tostring = function() return "a function" end}
debug.setmetatable(print, fmt)
print(tostring(print) == "a function", debug.getmetatable(clean) == fmt)
debug.setmetatable(print, nil)
local s = debug.getmetatable("")
print(type(s), s.__index == string)
local tab = {}
print(debug.setmetatable(tab, {}), getmetatable(tab) ~= nil)
print(pcall(debug.setmetatable, tab, 1))
print(pcall(debug.getmetatable))

-- The registry is a table shared by every call.
local reg = debug.getregistry()
print(type(reg), reg == debug.getregistry(), reg._LOADED == package.loaded)

-- Environments of functions, threads and userdata.
local env = {print = print}
local function in_env() return x end
print(debug.getfenv(in_env) == _G)
print(debug.setfenv(in_env, {x = "from env"}) == in_env, in_env())
print(debug.getfenv(1), debug.getfenv("s"))
print(debug.getfenv(co) == _G)
local ud = newproxy()
print(type(debug.getfenv(ud)))
print(debug.setfenv(ud, env) == ud, debug.getfenv(ud) == env)
print(pcall(debug.setfenv, 1, {}))
print(pcall(debug.setfenv, in_env, 1))
print(pcall(debug.getfenv))

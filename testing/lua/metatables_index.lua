-- __index and __newindex as tables and functions, chains of __index tables,
-- rawget/rawset bypassing them, proxies that log accesses, read-only tables,
-- default values, and the "loop in gettable" guard.
local base = { greet = function() return "hello from base" end, kind = "base" }
local mid = setmetatable({ kind = "mid" }, { __index = base })
local leaf = setmetatable({}, { __index = mid })
print(leaf.kind, leaf.greet(), rawget(leaf, "kind"), leaf.missing)

-- __index function with defaults
local defaults = setmetatable({}, { __index = function(t, k) return "default_" .. tostring(k) end })
defaults.set = "explicit"
print(defaults.set, defaults.other, defaults[1])

-- __newindex redirect and logging proxy
local log = {}
local store = {}
local proxy = setmetatable({}, {
  __index = function(_, k) log[#log + 1] = "get " .. k return store[k] end,
  __newindex = function(_, k, v) log[#log + 1] = "set " .. k .. "=" .. tostring(v) store[k] = v end,
})
proxy.a = 1
proxy.b = proxy.a + 1
proxy.a = nil
print(proxy.a, proxy.b, rawget(proxy, "b"), table.concat(log, "; "))

-- __newindex table target
local target = {}
local redirect = setmetatable({}, { __newindex = target })
redirect.x = 10
print(rawget(redirect, "x"), target.x)
rawset(redirect, "y", 20)
print(redirect.y, target.y)

-- existing keys do not trigger __newindex
local counted = 0
local t = setmetatable({ present = 1 }, { __newindex = function(tt, k, v) counted = counted + 1 rawset(tt, k, v) end })
t.present = 2
t.fresh = 3
t.fresh = 4
print(t.present, t.fresh, counted)

-- read-only table
local function readonly(src)
  return setmetatable({}, {
    __index = src,
    __newindex = function(_, k) error("attempt to modify read-only field " .. tostring(k), 2) end,
  })
end
local ro = readonly({ pi = 3.14 })
print(ro.pi, pcall(function() ro.pi = 3 end))

-- inheritance via __index chain of classes
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) return setmetatable({ name = name, sound = sound }, Animal) end
function Animal:speak() return self.name .. " says " .. self.sound end
local Dog = setmetatable({}, { __index = Animal })
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name, "woof") return setmetatable(d, Dog) end
function Dog:fetch() return self.name .. " fetches" end
local d = Dog.new("rex")
print(d:speak(), d:fetch(), getmetatable(d) == Dog)

-- __index on a loop
local loop1, loop2 = {}, {}
setmetatable(loop1, { __index = loop2 })
setmetatable(loop2, { __index = loop1 })
print(pcall(function() return loop1.nothing end))

-- __metatable field hides and protects the metatable
local guarded = setmetatable({}, { __metatable = "locked" })
print(getmetatable(guarded), pcall(setmetatable, guarded, {}))

-- numeric keys through __index
local arr = setmetatable({ 1, 2 }, { __index = function(_, i) return i * 100 end })
print(arr[1], arr[2], arr[3], #arr)

-- strings use the string table as __index
print(("x").rep == string.rep, getmetatable("").__index == string)

-- __eq, __lt, __le, __call, __tostring, __concat, __len (not used for
-- tables in LuaJIT 2.1 without 5.2 compat), __unm, and when __eq is
-- consulted (only for two tables/userdata with the same metamethod).
local mt = {}
local function obj(v) return setmetatable({ v = v }, mt) end
mt.__eq = function(a, b) return a.v == b.v end
mt.__lt = function(a, b) return a.v < b.v end
mt.__le = function(a, b) return a.v <= b.v end
mt.__call = function(self, x, y) return "called " .. self.v .. " with " .. tostring(x) .. "," .. tostring(y) end
mt.__tostring = function(self) return "obj<" .. self.v .. ">" end
mt.__len = function() return 99 end
mt.__unm = function(self) return obj(-self.v) end
mt.__concat = function(a, b)
  local av = type(a) == "table" and a.v or a
  local bv = type(b) == "table" and b.v or b
  return obj(av .. bv)
end

local a, b, c = obj(1), obj(2), obj(1)
print(a == c, a ~= c, a == b, a < b, b < a, a <= c, b >= a, a > b)
print(a(10, 20), b("x"))
print(tostring(a), tostring(-b), #a)
print(tostring(a .. b), tostring("s" .. a), tostring(a .. 5))

-- __eq is not consulted when one side is not a table, or for rawequal
print(a == 1, rawequal(a, c), rawequal(a, a))

-- __eq needs the same metamethod on both sides
local other = setmetatable({ v = 1 }, { __eq = function() return true end })
print(a == other, other == a)

-- __le falls back to not __lt(b, a) when __le is missing
local mt2 = { __lt = function(x, y) return x.v < y.v end }
local p, q = setmetatable({ v = 1 }, mt2), setmetatable({ v = 2 }, mt2)
print(p <= q, q <= p, p >= q)

-- mixed types do not call __lt
print(pcall(function() return a < 1 end))

-- __call with varargs and multiple results
local multi = setmetatable({}, { __call = function(self, ...) return select("#", ...), ... end })
print(multi(1, 2, 3))
print(pcall(multi, "via pcall"))

-- __tostring used by print and tostring, and error()'s value
local e = setmetatable({}, { __tostring = function() return "custom error object" end })
print(e)
local ok, err = pcall(error, e)
print(ok, tostring(err), err == e)

-- sorting objects through __lt
local list = { obj(5), obj(3), obj(9), obj(1) }
table.sort(list)
local vs = {}
for i, o in ipairs(list) do vs[i] = o.v end
print(table.concat(vs, " "))

-- __index and __call on the same metatable, used as a class constructor
local Class = setmetatable({}, { __call = function(cls, n) return setmetatable({ n = n }, cls) end })
Class.__index = Class
function Class:get() return self.n end
print(Class(7):get())

-- Call syntax forms: f(args), f"string", f[[long]], f{table}, chained
-- calls f()(), calls on indexed expressions, method calls with string and
-- table arguments, and calls whose results feed other calls (CALLM).
local function show(...) return select("#", ...) .. ":" .. table.concat({ ... }, ",") end
local function tbl(t) return #t .. "/" .. (t.k or "-") end
print(show"literal", show[[long]], show [==[level2]==], tbl{ 1, 2, k = "v" }, tbl{})
local function curry(a) return function(b) return function(c) return a .. b .. c end end end
print(curry"x""y""z", curry("1")("2")("3"), curry{ 1 } and "ok")
local obj = { name = "obj" }
function obj:greet(s) return self.name .. " greets " .. (type(s) == "table" and s[1] or s) end
print(obj:greet"you", obj:greet{ "table" }, obj:greet[[long]])
local t = { fns = { function(x) return x * 2 end, function(x) return x + 1 end } }
print(t.fns[1](5), t.fns[2](5), t["fns"][1](t.fns[2](1)))
print(show(show(1, 2), show()), show((show(1, 2))))
print(string.rep("ab", 2):upper():lower():len())
print(("%s=%s"):format("k", "v"):rep(2, ";"))
local mt = setmetatable({}, { __index = function(_, k) return function(first, ...) return k .. show(type(first), ...) end end })
print(mt.anything(1, 2), mt:method(3))
-- a call statement that discards results, and one through parentheses
local side = 0
local function bump() side = side + 1 return side end
bump()
bump();
(bump)()
print(side)
-- arguments evaluated left to right
local order = {}
local function rec(v) order[#order + 1] = v return v end
local function three(a, b, c) return a + b + c end
print(three(rec(1), rec(2), rec(3)), table.concat(order))
-- calling non-callable values
print(pcall(function() local n = 1 n() end))
print(pcall(function() local s = "str" s() end))
print(pcall(function() local tt = {} tt.x.y() end))

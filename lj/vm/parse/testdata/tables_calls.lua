-- table constructors, TSETM, method calls, varargs, multiple assignment.
local function va(...)
  local t = {...}
  local u = {1, 2, ...}
  local w = {n = select('#', ...), ...}
  local a, b = ...
  local c = (...)
  print(...)
  return ...
end
local obj = {x = 1, y = "s", [1] = true, [2.5] = false, ["k"] = 3, 10, 20, 30}
local mixed = {1, f = function() end, 2, [va(1)] = 3, va()}
local big = {[0] = 1, [1] = 2, [-1] = 3}
local nested = {{1, 2}, {a = {b = {c = 1}}}}
local empty = {}
local hashonly = {a = 1, b = 2, c = 3, d = 4, e = 5}
function obj:method(a, b) return self.x + a + b end
function obj.field.sub() end
obj:method(1, 2)
obj.method(obj, 3, 4)
local r1, r2, r3 = va(1, 2, 3)
local q1, q2 = va(), va()
obj.x, obj.y = obj.y, obj.x
local i, j = 1, 2
i, j = j, i
local t = {}
t[i], i = 1, 2
t.a, t.b, t.c = va()
print(#t, -i, not i, t[1], t["a"], t[i + 1], t[300], t[255], t[256])
print(("x"):rep(3), ("%d"):format(1))
va "str" {tab = 1}
return va(obj:method(1, 2))

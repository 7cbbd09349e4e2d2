-- Scoping and register reuse: shadowing in nested blocks, locals declared
-- without values (KNIL over ranges, KPRI for single slots), locals that end
-- their scope so registers are reused, and `local x = x` reading the outer x.
local a = 1
do
  local a = a + 1
  do
    local a = a * 10
    print("innermost", a)
  end
  print("inner", a)
end
print("outer", a)

local x = "outer x"
local function f()
  local x = x .. " copied"
  return x
end
print(f(), x)

-- KNIL over several locals and KPRI for one
local n1, n2, n3, n4, n5
print(n1, n2, n3, n4, n5)
local p1 = nil
local p2, p3 = false, true
print(p1, p2, p3)
local m1, m2, m3 = 1
print(m1, m2, m3)
local q1, q2, q3 = nil, nil, 3
print(q1, q2, q3)

-- nil assignment to existing locals
local r1, r2, r3 = 1, 2, 3
r1, r2, r3 = nil
print(r1, r2, r3)
r1, r2 = nil, nil
print(r1, r2)

-- the same name declared twice in one block: the second shadows the first
local dup = "first"
local getfirst = function() return dup end
local dup = "second"
print(getfirst(), dup)

-- for-loop variables shadow outer ones and are not visible after
local i = "outer i"
for i = 1, 2 do local j = i end
print(i, j)

-- locals in if/else branches reuse registers
local result
if a == 1 then
  local t1, t2, t3 = "t1", "t2", "t3"
  result = t1 .. t2 .. t3
else
  local u1 = "u1"
  result = u1
end
print(result)

-- function parameters shadow upvalues
local v = "upvalue"
local function g(v) return v end
print(g("param"), g(), v)

-- a local function's name is visible inside its body, a local = function is not
local function selfref(k) if k == 0 then return "done" end return selfref(k - 1) end
local notself = function(k) return type(notself) end
print(selfref(3), notself(1))

-- deep nesting of the same local name
local s = 0
for k = 1, 3 do
  local s = s + k
  for l = 1, 2 do
    local s = s * l
    io.write(s, " ")
  end
end
print(s)

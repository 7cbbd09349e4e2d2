-- Code-generation corner cases for a LuaJIT-exact front end: comparisons
-- between two constants (not folded), constants of every kind on either
-- side of ==/~=, negative and fractional number constants in ISEQN, string
-- concatenation of constants (not folded), assignments whose target is also
-- an operand, conditional values built from comparisons, nested templates,
-- non-foldable unary minus, and results stored straight into upvalues,
-- globals and table fields.
local function consts()
  local r = {}
  r[#r + 1] = 1 < 2
  r[#r + 1] = 2 <= 1
  r[#r + 1] = "a" < "b"
  r[#r + 1] = 1 == 1
  r[#r + 1] = 1 ~= 1
  r[#r + 1] = "x" == "x"
  r[#r + 1] = nil == false
  r[#r + 1] = true ~= nil
  r[#r + 1] = not (1 == 2)
  local out = {}
  for i = 1, #r do out[i] = tostring(r[i]) end
  return table.concat(out, " ")
end
print(consts())

local function eqs(x)
  local hits = {}
  if x == -1 then hits[#hits + 1] = "-1" end
  if x == 0.5 then hits[#hits + 1] = "0.5" end
  if x == 1e100 then hits[#hits + 1] = "1e100" end
  if x == 65536 then hits[#hits + 1] = "65536" end
  if -1 ~= x then hits[#hits + 1] = "~-1" end
  if x == "a long string constant used for comparison" then hits[#hits + 1] = "long" end
  if type(x) == "number" and -x == 1 then hits[#hits + 1] = "neg" end
  if x == -0 then hits[#hits + 1] = "-0" end
  return table.concat(hits, ",")
end
for _, v in ipairs({ -1, 0.5, 1e100, 65536, "a long string constant used for comparison", 0 }) do
  print(tostring(v):sub(1, 10), eqs(v))
end

-- concatenation of constants stays a run-time CAT
local c1 = "a" .. "b" .. "c"
local c2 = 1 .. 2
local c3 = "x" .. 1.5 .. "y"
print(c1, c2, c3)

-- targets that are also operands
local x, y = 1, 2
x = x + 1
y = x * y + y
x = -x
local s = "s"
s = s .. s .. s
local t = { n = 1 }
t.n = t.n + t.n
t[t.n] = t.n
print(x, y, s, t.n, t[2])

-- comparison results stored into locals, upvalues, globals and fields
local up = nil
local function store(a, b)
  local l = a < b
  up = a <= b
  GLOBAL_CMP = a == b
  t.cmp = a ~= b
  return l, up, GLOBAL_CMP, t.cmp
end
print(store(1, 2))
print(store(2, 2))

-- `and`/`or` whose operands are comparisons, in value context
local function mix(a, b, c)
  local v1 = a < b or b < c
  local v2 = a < b and b < c
  local v3 = (a == b) or "different"
  local v4 = not (a < b) and c
  local v5 = a and b < c
  return v1, v2, v3, v4, v5
end
print(mix(1, 2, 3))
print(mix(3, 2, 1))
print(mix(2, 2, 2))

-- templates: constant keys and values of every kind, next to variables
local k = "var"
local tpl = { 1, -2, 3.5, "s", true, false, x = 1, y = "y", [10] = 0, [-1] = "neg", [0.5] = "half", [true] = "t", k }
local keys = 0
for _ in pairs(tpl) do keys = keys + 1 end
print(keys, tpl[1], tpl[2], tpl[3], tpl[4], tpl[5], tpl[6], tpl[7], tpl.x, tpl.y, tpl[10], tpl[-1], tpl[0.5], tpl[true])

-- unary minus that cannot be folded
local str = "5"
print(-str, -(-str), -"0x10", - -x)

-- while true / repeat until false with explicit exits
local i = 0
while true do i = i + 1 if i >= 3 then break end end
repeat i = i + 1 if i >= 6 then break end until false
print(i)

-- not applied to constants and to comparisons
print(not 1, not nil, not false, not "", not (1 < 2), not not (1 < 2))

-- numbers that are exactly representable as 16-bit KSHORT and just outside
local shorts = { 0, 1, -1, 32767, -32768, 32768, -32769, 0.5, -0.5, 1e3, 2^15 }
print(table.concat(shorts, " "))

-- a long chain of `or` defaults and `and` guards
local cfg = { b = false, c = 0 }
local v = cfg.a or cfg.b or cfg.c or cfg.d or "default"
local w = cfg and cfg.c and cfg.c + 1 and "reached"
print(v, w)

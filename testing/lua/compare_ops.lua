-- Ordered comparisons with variables and constants on either side. LuaJIT
-- normalises `k < x` to ISGT/ISLE etc. and swaps operands; in value context a
-- comparison materialises true/false through KPRI.
local function cmp(a, b)
  local out = {}
  out[#out + 1] = (a < b) and "T" or "F"
  out[#out + 1] = (a <= b) and "T" or "F"
  out[#out + 1] = (a > b) and "T" or "F"
  out[#out + 1] = (a >= b) and "T" or "F"
  out[#out + 1] = (a < 5) and "T" or "F"
  out[#out + 1] = (5 < a) and "T" or "F"
  out[#out + 1] = (a <= 5) and "T" or "F"
  out[#out + 1] = (5 <= a) and "T" or "F"
  out[#out + 1] = (a > 5) and "T" or "F"
  out[#out + 1] = (5 > a) and "T" or "F"
  out[#out + 1] = (a >= 5) and "T" or "F"
  out[#out + 1] = (5 >= a) and "T" or "F"
  out[#out + 1] = not (a < b) and "T" or "F"
  out[#out + 1] = not (a >= b) and "T" or "F"
  return table.concat(out)
end
print(cmp(1, 2), cmp(2, 1), cmp(5, 5), cmp(-1, 5), cmp(7.5, 7.5))

-- Comparison results as values.
local function vals(a, b)
  local lt, le, gt, ge = a < b, a <= b, a > b, a >= b
  return lt, le, gt, ge
end
print(vals(1, 2))
print(vals("a", "b"))
print(vals("abc", "abd"))
print(vals("Z", "a"))
print(vals("", "a"))

-- In if/while conditions each form uses a conditional jump.
local n = 0
for i = -3, 3 do
  if i < 0 then n = n + 1 end
  if 0 < i then n = n + 10 end
  if i <= -2 then n = n + 100 end
  if -2 >= i then n = n + 1000 end
  if i > 1 then n = n + 10000 end
  if 1 < i then n = n + 100000 end
end
print(n)

-- NaN compares false in every ordered comparison, so `not (a < b)` differs
-- from `a >= b`.
local nan = 0 / 0
print(nan < 1, nan <= 1, nan > 1, nan >= 1, not (nan < 1), not (nan >= 1))
if not (nan < 1) then print("not lt") end
if not (nan >= 1) then print("not ge") end

-- Mixed-type comparisons raise errors.
print(pcall(function() return 1 < "2" end))
print(pcall(function() return {} < {} end))
print(pcall(function() local a, b = nil, 1 return a <= b end))

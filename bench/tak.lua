-- tak: Takeuchi's function tak(x, y, z), a classic call benchmark.
-- Three-way recursion with integer compares only; the call count explodes
-- combinatorially with the gap between x and z.
-- N: the outer repetition count over a fixed set of argument triples (default 100).
local N = tonumber(arg and arg[1]) or 100

local function tak(x, y, z)
  if y >= x then return z end
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
end

-- Vary the arguments with the repetition index so no result can be cached.
local sum = 0
for i = 1, N do
  local k = i % 4
  sum = sum + tak(18 + k, 12, 6 - k)
end
print(string.format("tak sum over %d calls = %d", N, sum))
print(string.format("tak(18,12,6) = %d", tak(18, 12, 6)))

-- ack: the Ackermann function A(m, n), computed recursively.
-- Stresses deep, non-tail recursion and calls; A(3, n) = 2^(n+3) - 3 and
-- recurses about 2^(n+3) frames deep at its peak, so n stays modest (n = 10
-- already nears LuaJIT's stack limit).
-- N: the largest second argument n; A(m, k) is summed over m = 0..3 and
-- k = 1..N, and that grid is computed 40 times (default 9).
local N = tonumber(arg and arg[1]) or 9
local REPEAT = 40

local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end

-- Sum A(m, k) over a grid so each run exercises several recursion shapes.
local sum = 0
for _ = 1, REPEAT do
  for k = 1, N do
    for m = 0, 3 do sum = sum + ack(m, k) end
  end
end
print(string.format("ack(3,%d) = %d", N, ack(3, N)))
print(string.format("sum over %d grids = %d", REPEAT, sum))

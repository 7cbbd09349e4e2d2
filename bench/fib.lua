-- fib: naive doubly recursive Fibonacci.
-- Stresses Lua-to-Lua calls and returns with tiny bodies; nothing is memoised,
-- so fib(n) makes about 1.6^n calls.
-- N: the index n computed (default 42).
local N = tonumber(arg and arg[1]) or 42

local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

print(string.format("fib(%d) = %d", N, fib(N)))

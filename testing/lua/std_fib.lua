-- Fibonacci four ways (naive recursion, loop, memoised, closure generator)
-- and the same numbers cross-checked. Pure Lua 5.1.
local function fib_rec(n) if n < 2 then return n end return fib_rec(n - 1) + fib_rec(n - 2) end
local function fib_loop(n)
  local a, b = 0, 1
  for _ = 1, n do a, b = b, a + b end
  return a
end
local memo = {}
local function fib_memo(n)
  if n < 2 then return n end
  local v = memo[n]
  if not v then v = fib_memo(n - 1) + fib_memo(n - 2) memo[n] = v end
  return v
end
local function fib_gen()
  local a, b = 0, 1
  return function() local r = a a, b = b, a + b return r end
end
local g = fib_gen()
local ok = true
for n = 0, 25 do
  local r, l, m, gg = fib_rec(n), fib_loop(n), fib_memo(n), g()
  if r ~= l or l ~= m or m ~= gg then ok = false print("mismatch at", n) end
end
print("agree up to 25:", ok)
print(fib_rec(24), fib_loop(50), fib_memo(78), fib_loop(78) == fib_memo(78))
print(string.format("%.0f", fib_loop(90)))

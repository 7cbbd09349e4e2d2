-- fib.lua: Fibonacci numbers computed two ways.
--
-- The recursive version makes about fib(n) calls; the loop version is
-- linear. Both print the same numbers; compare their speed with
--   time bazel-bin/ljit examples/fib.lua

-- Recursive: each call returns the sum of the two calls below it.
local function fib_recursive(n)
  if n < 2 then return n end
  return fib_recursive(n - 1) + fib_recursive(n - 2)
end

-- Iterative: keep the last two values and slide them forward.
-- `a, b = b, a + b` evaluates both right-hand values before assigning.
local function fib_loop(n)
  local a, b = 0, 1
  for _ = 1, n do
    a, b = b, a + b
  end
  return a
end

for n = 0, 10 do
  io.write(fib_recursive(n), " ")
end
print()

print("fib(25) recursive:", fib_recursive(25))
print("fib(25) loop:     ", fib_loop(25))

-- Numbers are doubles: integers stay exact up to 2^53, fib(78) still fits.
print("fib(78) loop:     ", string.format("%.0f", fib_loop(78)))

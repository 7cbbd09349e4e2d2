-- hot_loop.lua: a loop the trace compiler turns into machine code.
--
-- After a loop has run `hotloop` (56) iterations the JIT records one pass
-- through it as a trace, optimizes it and compiles it. Watch that happen:
--   luajit -jv examples/hot_loop.lua       the reference
--   bazel-bin/ljit -jv examples/hot_loop.lua
-- Each "[TRACE n ...]" line is a compiled trace. The program prints the
-- same results with the JIT on or off (`-joff`): only the speed changes.

-- A numeric for loop (FORL): the classic first trace.
local sum = 0
for i = 1, 1000000 do
  sum = sum + i % 7
end
print("sum of i % 7:", sum)

-- A while loop (LOOP) with a branch: the rarely taken side becomes a side
-- exit, and if it gets hot, a side trace.
local n, odd_steps = 27, 0
local steps = 0
while n ~= 1 do
  if n % 2 == 0 then
    n = n / 2
  else
    n = 3 * n + 1
    odd_steps = odd_steps + 1
  end
  steps = steps + 1
end
print("collatz(27):", steps, "steps,", odd_steps, "odd")

-- A loop over a table with ipairs, calling a small function: the call is
-- inlined into the trace.
local function square(x) return x * x end
local values = {}
for i = 1, 1000 do values[i] = i / 1000 end
local total = 0
for _, v in ipairs(values) do
  total = total + square(v)
end
print(string.format("sum of squares: %.6f", total))

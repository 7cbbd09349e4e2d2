-- Closures and upvalues in pure Lua 5.1: per-iteration captures in for,
-- while and repeat loops, shared upvalues, counters and accumulators, and
-- upvalues that outlive their loops. Output matches lua5.1.
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
local ws, n = {}, 0
while n < 3 do n = n + 1 local v = n * 10 ws[n] = function() v = v + 1 return v end end
print(ws[1](), ws[1](), ws[2](), ws[3]())
local rs, k = {}, 0
repeat k = k + 1 local c = k rs[k] = function() return c end until c == 3
print(rs[1](), rs[2](), rs[3]())
local function acc(start)
  local total = start
  return function(x) total = total + x return total end, function() return total end
end
local add, get = acc(10)
add(5) add(-2)
print(get())
local function make_shared()
  local count = 0
  local t = {}
  for i = 1, 3 do t[i] = function() count = count + i return count end end
  return t
end
local shared = make_shared()
print(shared[1](), shared[2](), shared[3](), shared[1]())
local function counter_gen()
  local gens = {}
  for i = 1, 2 do
    local c = 0
    gens[i] = { inc = function() c = c + 1 return c end, get = function() return c end }
  end
  return gens
end
local g = counter_gen()
g[1].inc() g[1].inc() g[2].inc()
print(g[1].get(), g[2].get())

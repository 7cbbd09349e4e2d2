-- Closures: counters, generators, memoisation, function composition,
-- partial application and closures that outlive their creating frame.
local function counter(start, step)
  local n = start
  return function() n = n + step return n end
end
local c1, c2 = counter(0, 1), counter(100, -10)
print(c1(), c1(), c2(), c1(), c2())

local function memoize(f)
  local cache, hits = {}, 0
  return function(x)
    local v = cache[x]
    if v ~= nil then hits = hits + 1 return v end
    v = f(x)
    cache[x] = v
    return v
  end, function() return hits end
end
local calls = 0
local slow_sq, hits = memoize(function(x) calls = calls + 1 return x * x end)
for i = 1, 10 do slow_sq(i % 4) end
print(calls, hits())

local function compose(...)
  local fs = { ... }
  return function(x)
    for i = #fs, 1, -1 do x = fs[i](x) end
    return x
  end
end
local inc = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
print(compose(inc, dbl)(5), compose(dbl, inc)(5), compose()(5))

local function curry3(f)
  return function(a) return function(b) return function(c) return f(a, b, c) end end end
end
print(curry3(function(a, b, c) return a .. b .. c end)("x")("y")("z"))

-- generator built from closures
local function fib_gen()
  local a, b = 0, 1
  return function() a, b = b, a + b return a end
end
local g = fib_gen()
local fibs = {}
for i = 1, 15 do fibs[i] = g() end
print(table.concat(fibs, " "))

-- closures in a table acting as an object with private state
local function stack()
  local items = {}
  return {
    push = function(v) items[#items + 1] = v end,
    pop = function() local v = items[#items] items[#items] = nil return v end,
    size = function() return #items end,
  }
end
local st = stack()
st.push(1) st.push(2) st.push(3)
print(st.pop(), st.size(), st.pop(), st.pop(), st.pop(), st.size())

-- closures created by a recursive function capturing its own parameter
local function chain(n)
  if n == 0 then return function() return "base" end end
  local rest = chain(n - 1)
  return function() return n .. ">" .. rest() end
end
print(chain(5)())

-- a closure that replaces itself
local step
step = function() step = function() return "second" end return "first" end
print(step(), step(), step())

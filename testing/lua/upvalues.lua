-- Upvalue reads and writes of every kind: UGET, USETV (variable), USETS
-- (string constant), USETN (number constant), USETP (nil/false/true), and
-- upvalues shared between sibling closures and across nesting levels.
local counter = 0
local name = "init"
local flag = nil
local function set_all(v)
  counter = 42          -- USETN
  name = "constant"     -- USETS
  flag = true           -- USETP
  local copy = v
  counter = copy        -- USETV
  return counter, name, flag
end
print(set_all(7))
local function clear()
  flag = false          -- USETP false
  name = nil            -- USETP nil
  counter = -1.5        -- USETN
  return flag, name, counter
end
print(clear())
print(counter, name, flag)

-- Two closures sharing one upvalue.
local function make_pair()
  local shared = 0
  local function inc(n) shared = shared + (n or 1) return shared end
  local function get() return shared end
  return inc, get
end
local inc, get = make_pair()
inc() inc(10) inc()
print(get())
local inc2, get2 = make_pair()
inc2(5)
print(get(), get2())

-- Upvalues through three levels of nesting.
local function outer()
  local a = 1
  return function()
    local b = 10
    return function()
      a = a + 1
      b = b + 1
      return a + b
    end
  end
end
local mid = outer()
local inner1, inner2 = mid(), mid()
print(inner1(), inner1(), inner2(), inner2())

-- Parameters as upvalues, and upvalue of an upvalue modified from inside.
local function adder(x)
  return function(y) x = x + y return x end
end
local add = adder(100)
print(add(1), add(2), add(3))

-- Upvalue captured before it is assigned (local function recursion).
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(10))
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(10), odd(7), even(7))

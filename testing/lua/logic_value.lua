-- `and`, `or` and `not` in value context: LuaJIT emits ISTC/ISFC (test and
-- copy) when the result goes to a register, and folds constant operands.
local function ops(a, b)
  local r1 = a and b
  local r2 = a or b
  local r3 = not a
  local r4 = a and b or "dflt"
  local r5 = (a or b) and "yes"
  local r6 = not not a
  local r7 = a and "k" or nil
  local r8 = not (a and b)
  return r1, r2, r3, r4, r5, r6, r7, r8
end
print(ops(1, 2))
print(ops(nil, 2))
print(ops(false, nil))
print(ops(0, false))
print(ops("", "s"))

-- Assigning to an existing local takes the ISTC/ISFC path.
local x, y = nil, nil
local function pick(a, b)
  x = a or b
  y = a and b
  return x, y
end
print(pick(1, 2)) print(pick(false, 2)) print(pick(nil, false))

-- Constant operands are folded away entirely.
local c1 = true and 5
local c2 = false or "z"
local c3 = nil and 1
local c4 = 1 or error("never")
local c5 = not nil
local c6 = not 0
local c7 = not "s"
print(c1, c2, c3, c4, c5, c6, c7)

-- Mixed with comparisons.
local function clamp(v, lo, hi)
  return v < lo and lo or v > hi and hi or v
end
print(clamp(-5, 0, 10), clamp(5, 0, 10), clamp(50, 0, 10))

-- Default-argument idiom and chained fallbacks.
local function greet(name, greeting)
  name = name or "world"
  greeting = greeting or (name == "lua" and "hi" or "hello")
  return greeting .. ", " .. name
end
print(greet(), greet("lua"), greet("bob", "hey"))

-- Table-field and call operands.
local t = { a = false, b = 0 }
local function f() return nil end
print(t.a or t.b, t.b and t.a, t.c or f() or "end", f() and t.x)

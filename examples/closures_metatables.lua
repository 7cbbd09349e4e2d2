-- closures_metatables.lua: two ways Lua builds objects.
--
-- 1. Closures: a function keeps the local variables it refers to alive
--    (they become "upvalues"), so each counter has private state.
-- 2. Metatables: a table's metatable supplies behaviour for operators
--    (`__add`, `__tostring`, ...) and for missing keys (`__index`).

-- 1. Closures ---------------------------------------------------------------
local function make_counter(step)
  local count = 0                      -- captured by the function below
  return function()
    count = count + step
    return count
  end
end

local by_one, by_ten = make_counter(1), make_counter(10)
by_one() by_one() by_ten()
print("counters:", by_one(), by_ten())   -- each has its own `count`

-- 2. Metatables --------------------------------------------------------------
local Vector = {}
Vector.__index = Vector                -- missing keys are looked up in Vector

function Vector.new(x, y)
  return setmetatable({ x = x, y = y }, Vector)
end

function Vector:length()               -- `:` passes the object as `self`
  return math.sqrt(self.x * self.x + self.y * self.y)
end

Vector.__add = function(a, b) return Vector.new(a.x + b.x, a.y + b.y) end
Vector.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vector.__tostring = function(v) return "(" .. v.x .. ", " .. v.y .. ")" end

local a, b = Vector.new(3, 4), Vector.new(1, 2)
local c = a + b                        -- calls Vector.__add
print("a + b =", tostring(c))          -- calls Vector.__tostring
print("|a| =", a:length())             -- `length` found through __index
print("a + b == (4, 6):", c == Vector.new(4, 6))   -- calls Vector.__eq

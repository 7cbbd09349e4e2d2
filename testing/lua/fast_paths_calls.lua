-- The interpreter's inline call, return and method paths at their edges:
-- method lookups through __index chains (short, longer than the inline
-- limit, ending in a function, a string or a loop, __index added after a
-- miss), missing parameters through every call form (CALL, CALLM, CALLT,
-- pcall, coroutines, varargs), tail calls of callable tables and of
-- non-callables, the truth tests, and modulo's signs and specials.

-- Method lookups ------------------------------------------------------------
local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  return c
end

local Base = class()
function Base:name() return "base " .. self.id end
function Base:kind() return "base kind" end
local Mid = class(Base)
function Mid:kind() return "mid kind" end
local Leaf = class(Mid)
local obj = setmetatable({ id = 7 }, Leaf)
print(obj:name(), obj:kind(), obj.missing)

-- A chain of 20 classes: deeper than any inline limit.
local deep = class()
function deep:root() return "root method" end
for _ = 1, 20 do deep = class(deep) end
local d = setmetatable({}, deep)
print(d:root(), d.nothing)

-- The chain ends in an __index function, or a string (string methods).
local tail = setmetatable({}, { __index = function(_, k) return "fn:" .. k end })
local viafn = setmetatable({}, { __index = setmetatable({}, { __index = tail }) })
print(viafn.anything, viafn.other)
local viastr = setmetatable({}, { __index = "text" })
print(viastr.len == string.len, viastr.upper("abc"))

-- A metatable without __index, which gains one after a miss.
local mt = {}
local late = setmetatable({}, mt)
print(late.x)
mt.__index = { x = "now present" }
print(late.x)
rawset(mt, "__index", nil)
print(late.x)

-- __index tables in a loop: the generic path's error.
local a, b = {}, {}
setmetatable(a, { __index = b })
setmetatable(b, { __index = a })
print(pcall(function() return a.missing end))

-- Missing parameters -------------------------------------------------------
local function three(x, y, z) return tostring(x) .. "," .. tostring(y) .. "," .. tostring(z) end
local function none() end
local function two() return 1, 2 end
print(three(1), three(1, 2), three(1, 2, 3, 4))
print(three(two()), three(none()), three(0, two()))
local function tail_three(...) return three(...) end
local function tail_fixed(x) return three(x) end
print(tail_three(), tail_three(9), tail_fixed("t"))
print(pcall(three), pcall(three, "p"))
print(coroutine.wrap(three)("co"))
local function vararg_params(x, y, ...) return tostring(x) .. "|" .. tostring(y) .. "|" .. select("#", ...) end
print(vararg_params(), vararg_params(1), vararg_params(1, 2, 3, 4))
-- A reused frame: slots of an earlier call must not leak into parameters.
local function dirty(p, q, r, s) return p, q, r, s end
dirty(1, 2, 3, 4)
print(dirty(5))

-- Tail calls ----------------------------------------------------------------
local callable = setmetatable({}, { __call = function(self, x, y) return "called", x, y end })
local function tail_callable(x) return callable(x) end
print(tail_callable(3))
local function tail_bad() local t = {} return t(1) end
print(pcall(tail_bad))
local function count_down(n, acc) if n == 0 then return acc end return count_down(n - 1, acc + n) end
print(count_down(10000, 0))

-- Truth tests -----------------------------------------------------------------
for _, v in ipairs({ false, 0, "", "x" }) do
  local w = v or "or-default"
  local u = v and "and-value"
  local t = v == false and "falsy" or "truthy"
  if not v then t = t .. " (not)" end
  print(tostring(v), w, tostring(u), t)
end
local n = nil
print(n or "nil-or", tostring(n and 1))

-- Modulo ----------------------------------------------------------------------
print(5 % 3, -5 % 3, 5 % -3, -5 % -3, 5.5 % 2, -5.5 % 2)
print(2^53 % 3, -(2^53) % 3, 3 % 2^60, -3 % 2^60)
print(1 / 0 % 2, 5 % (1 / 0), -5 % (1 / 0), 5 % 0, (0 / 0) % 1)
local seed = 113
for _ = 1, 5 do seed = (seed * 16807) % 2147483647 end
print(seed)

-- Numeric for: the step's sign bit decides the direction (-0 counts down).
local function trips(first, last, step)
  local count, final = 0, nil
  for i = first, last, step do
    count, final = count + 1, i
    if count == 5 then break end
  end
  return count .. ":" .. tostring(final)
end
print(trips(1, 3, 1), trips(3, 1, -1), trips(1, 3, -0.0), trips(3, 1, -0.0), trips(1, 1, -0.0))
print(trips(1, 3, 0.0), trips(3, 1, 0.0), trips(1, 3, 0 / 0), trips(3, 1, 0 / 0), trips(0 / 0, 3, 1))
print(trips(1, 1 / 0, 1 / 0), trips(-1 / 0, 0, 1), trips(1, 3, 0.5), trips(3, 1, -0.75))

-- Returns to a caller that keeps all results (CALL B=0, then CALLMT,
-- RETM, TSETM or a vararg call take them).
local function one(x) return x end
local function nothing() end
local function sum3(p, q, r) return (p or 0) + (q or 0) + (r or 0) end
local function chain(k) if k == 0 then return 0 end return sum3(k, one(k), chain(k - 1)) end
print(chain(10), select("#", one(1)), select("#", nothing()), #{ one(5) }, #{ nothing() })
local function pass(...) return ... end
print(pass(one(7)), pass(nothing()), (pass(one(8), one(9))))

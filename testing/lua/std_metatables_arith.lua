-- Arithmetic metamethods (__add __sub __mul __div __mod __pow __unm) and
-- __concat, with the metamethod taken from either operand, on a small
-- vector type and a rational-number type. Pure Lua 5.1.
local Vec = {}
Vec.__index = Vec
local function vec(x, y) return setmetatable({ x = x, y = y }, Vec) end
local function coerce(v) if type(v) == "number" then return vec(v, v) end return v end
Vec.__add = function(a, b) a, b = coerce(a), coerce(b) return vec(a.x + b.x, a.y + b.y) end
Vec.__sub = function(a, b) a, b = coerce(a), coerce(b) return vec(a.x - b.x, a.y - b.y) end
Vec.__mul = function(a, b) a, b = coerce(a), coerce(b) return vec(a.x * b.x, a.y * b.y) end
Vec.__div = function(a, b) a, b = coerce(a), coerce(b) return vec(a.x / b.x, a.y / b.y) end
Vec.__mod = function(a, b) a, b = coerce(a), coerce(b) return vec(a.x % b.x, a.y % b.y) end
Vec.__pow = function(a, b) a, b = coerce(a), coerce(b) return vec(a.x ^ b.x, a.y ^ b.y) end
Vec.__unm = function(a) return vec(-a.x, -a.y) end
Vec.__concat = function(a, b)
  local function s(v) if getmetatable(v) == Vec then return "(" .. v.x .. "," .. v.y .. ")" end return tostring(v) end
  return s(a) .. s(b)
end
Vec.__tostring = function(v) return "vec(" .. v.x .. "," .. v.y .. ")" end

local a, b = vec(1, 2), vec(3, 5)
print(tostring(a + b), tostring(a - b), tostring(a * b), tostring(b / a))
print(tostring(b % a), tostring(a ^ 2), tostring(-a), tostring(2 * a), tostring(10 - b))
print(a .. b, a .. "!", "v=" .. a, 1 .. a)
print(a .. b .. a)

-- rationals with normalisation
local Rat = {}
local function gcd(x, y) while y ~= 0 do x, y = y, x % y end return x end
local function rat(n, d)
  if d < 0 then n, d = -n, -d end
  local g = gcd(math.abs(n), d)
  return setmetatable({ n = n / g, d = d / g }, Rat)
end
Rat.__add = function(p, q) return rat(p.n * q.d + q.n * p.d, p.d * q.d) end
Rat.__mul = function(p, q) return rat(p.n * q.n, p.d * q.d) end
Rat.__eq = function(p, q) return p.n == q.n and p.d == q.d end
Rat.__lt = function(p, q) return p.n * q.d < q.n * p.d end
Rat.__le = function(p, q) return p.n * q.d <= q.n * p.d end
Rat.__tostring = function(p) return p.n .. "/" .. p.d end
local h, t = rat(1, 2), rat(1, 3)
print(tostring(h + t), tostring(h * t), h + t == rat(5, 6), h < t, t < h, h <= h, h > t, t >= h)
local sum = rat(0, 1)
for i = 1, 10 do sum = sum + rat(1, i * (i + 1)) end
print(tostring(sum))

-- missing metamethods raise errors naming the operation
print(pcall(function() return a + {} end))
print(pcall(function() return {} .. "x" end))
print(pcall(function() return -{} end))

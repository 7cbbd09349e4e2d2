-- The math library: every function and constant of Lua 5.1 as LuaJIT
-- provides it, printed with %.14g (tostring) and a few with %.17g; random
-- numbers only after math.randomseed with a fixed seed (LuaJIT's PRNG is
-- deterministic for a given seed).
local f = string.format
print(math.pi, math.huge, -math.huge)
print(math.abs(-3), math.abs(3.5), math.abs(-0.0) == 0)
print(math.floor(2.7), math.floor(-2.7), math.ceil(2.1), math.ceil(-2.1), math.floor(5), math.ceil(-0.5) == 0)
print(math.sqrt(16), math.sqrt(2), math.sqrt(-1) ~= math.sqrt(-1))
print(math.sin(0), math.cos(0), math.tan(0), f("%.12f %.12f", math.sin(math.pi / 6), math.cos(math.pi / 3)))
print(f("%.12f %.12f %.12f", math.asin(1), math.acos(0), math.atan(1)))
print(f("%.12f %.12f %.12f", math.atan2(1, 1), math.atan2(-1, -1), math.atan2(0, -1)))
print(f("%.12f %.12f %.12f", math.sinh(1), math.cosh(1), math.tanh(1)))
print(math.exp(0), f("%.12f", math.exp(1)), math.log(1), f("%.12f", math.log(10)), math.log10(1000), math.log10(0.01))
print(math.pow(2, 10), math.pow(2, 0.5) == math.sqrt(2), math.pow(-8, 1 / 3) ~= math.pow(-8, 1 / 3))
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(5.5, 2))
print(math.modf(3.7), math.modf(-3.7), math.modf(5))
print(math.frexp(8), math.frexp(0.5), math.frexp(0), math.ldexp(0.5, 4), math.ldexp(1, -1))
print(math.deg(math.pi), math.rad(180) == math.pi, math.deg(1) * math.rad(1))
print(math.max(3, 1, 2), math.max(-1), math.min(3, 1, 2), math.min(1.5, -2.5), math.max(1, 2.5))
print(pcall(math.max), pcall(math.floor, "x"))
print(math.floor(2^52 + 0.5), math.floor(-2^52 - 0.5), math.ceil(1e300) == 1e300)
print(math.floor("3.7"), math.sqrt("4"), math.abs("-2"))

-- integer helpers built on math
local function isqrt(n) return math.floor(math.sqrt(n)) end
local function is_prime(n)
  if n < 2 then return false end
  for d = 2, isqrt(n) do if n % d == 0 then return false end end
  return true
end
local primes = {}
for n = 1, 60 do if is_prime(n) then primes[#primes + 1] = n end end
print(table.concat(primes, " "))

-- deterministic pseudo-random numbers after a fixed seed
math.randomseed(42)
local r = {}
for i = 1, 5 do r[i] = math.random(1, 100) end
print(table.concat(r, " "))
local fl = math.random()
print(fl >= 0 and fl < 1, f("%.10f", fl))
print(math.random(10), math.random(5, 6))
math.randomseed(42)
print(math.random(1, 100) == r[1])
print(pcall(math.random, 2, 1))
print(pcall(math.random, 1, 2, 3))

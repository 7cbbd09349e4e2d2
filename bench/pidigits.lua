-- pidigits: print the first N decimal digits of pi with Gibbons' unbounded
-- spigot (a linear fractional transform composed term by term, a digit being
-- produced once floor((3q+r)/t) = floor((4q+r)/t)). The big integers are our
-- own: arrays of base-10^7 limbs, least significant first, where only the top
-- limb may be negative. Stresses numeric loops over arrays and allocation.
-- N: the number of digits printed (default 2500).
local N = tonumber(arg and arg[1]) or 2500

local floor, format = math.floor, string.format
local BASE = 10000000

-- A bignum holding the small integer v (|v| < BASE).
local function new(v) return { v } end

local function copy(a)
  local c = {}
  for i = 1, #a do c[i] = a[i] end
  return c
end

-- Bring limbs back into [0, BASE), carry into the (signed) top limb, trim zeros.
local function normalize(a)
  local n, carry = #a, 0
  for i = 1, n - 1 do
    local x = a[i] + carry
    carry = floor(x / BASE)
    a[i] = x - carry * BASE
  end
  local top = a[n] + carry
  while top >= BASE or top < -BASE do
    carry = floor(top / BASE)
    a[n] = top - carry * BASE
    n = n + 1
    top = carry
  end
  a[n] = top
  while n > 1 and a[n] == 0 do a[n] = nil; n = n - 1 end
  return a
end

-- a = a * k for a small integer k.
local function mul_small(a, k)
  for i = 1, #a do a[i] = a[i] * k end
  return normalize(a)
end

-- a = a + b * k for a small integer k (k may be negative).
local function add_mul(a, b, k)
  local na, nb = #a, #b
  for i = na + 1, nb do a[i] = 0 end
  for i = 1, nb do a[i] = a[i] + b[i] * k end
  return normalize(a)
end

-- Sign of a normalized bignum: that of its top limb.
local function sign(a)
  local top = a[#a]
  return top > 0 and 1 or (top < 0 and -1 or 0)
end

-- a compared with b: negative, zero or positive.
local function compare(a, b)
  return sign(add_mul(copy(a), b, -1))
end

-- Leading limbs of a as a float scaled by BASE^-n (n >= #a).
local function leading(a, n)
  local v = 0
  for i = n, n - 2, -1 do v = v * BASE + (a[i] or 0) end
  return v
end

-- floor(a / b) for a quotient known to be small: estimate, then correct exactly.
local function small_quotient(a, b)
  local n = #a > #b and #a or #b
  local q = floor(leading(a, n) / leading(b, n))
  local rem = add_mul(copy(a), b, -q)
  while sign(rem) < 0 do q = q - 1; add_mul(rem, b, 1) end
  while compare(rem, b) >= 0 do q = q + 1; add_mul(rem, b, -1) end
  return q
end

-- The transform's state: value(x) = (num * x + acc) / den.
local num, acc, den = new(1), new(0), new(1)
local k, produced, line = 0, 0, {}
while produced < N do
  -- Compose with the next term of the series: k / (2k + 1).
  k = k + 1
  local k2 = 2 * k + 1
  add_mul(acc, num, 2)
  mul_small(acc, k2)
  mul_small(den, k2)
  mul_small(num, k)
  if compare(num, acc) <= 0 then
    local t = add_mul(copy(acc), num, 3)
    local d = small_quotient(t, den)
    if d == small_quotient(add_mul(t, num, 1), den) then
      -- Both ends agree: emit d and subtract it out of the transform.
      produced = produced + 1
      line[#line + 1] = d
      if #line == 10 or produced == N then
        print(format("%-10s\t:%d", table.concat(line), produced))
        line = {}
      end
      add_mul(acc, den, -d)
      mul_small(acc, 10)
      mul_small(num, 10)
    end
  end
end

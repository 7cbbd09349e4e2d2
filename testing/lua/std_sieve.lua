-- Sieve of Eratosthenes up to 10000 with a boolean array, then a few
-- statistics about the primes found. Pure Lua 5.1.
local function sieve(n)
  local composite = {}
  local primes = {}
  for i = 2, n do
    if not composite[i] then
      primes[#primes + 1] = i
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return primes
end
local p = sieve(10000)
print(#p, p[1], p[100], p[#p])
local twin = 0
for i = 2, #p do if p[i] - p[i - 1] == 2 then twin = twin + 1 end end
print("twin pairs", twin)
local gaps, maxgap, at = {}, 0, 0
for i = 2, #p do
  local g = p[i] - p[i - 1]
  gaps[g] = (gaps[g] or 0) + 1
  if g > maxgap then maxgap, at = g, p[i - 1] end
end
print("max gap", maxgap, "after", at, "gap 2 count", gaps[2], "gap 6 count", gaps[6])
local sum = 0
for _, v in ipairs(p) do sum = sum + v end
print("sum", sum)

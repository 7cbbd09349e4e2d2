-- sieve: the sieve of Eratosthenes, run repeatedly over a fixed range.
-- Pure array work: a boolean table is filled, then multiples of each prime
-- are crossed out in a tight numeric for loop.
-- N: how many times the sieve of [2, 1000000] is rebuilt (default 100).
local N = tonumber(arg and arg[1]) or 100
local LIMIT = 1000000

-- Cross out multiples starting at p*p; return the number of primes found.
local function sieve(limit)
  local composite = {}
  for i = 1, limit do composite[i] = false end
  local count = 0
  for p = 2, limit do
    if not composite[p] then
      count = count + 1
      for m = p * p, limit, p do composite[m] = true end
    end
  end
  return count
end

local total = 0
for _ = 1, N do total = total + sieve(LIMIT) end
print(string.format("primes below %d: %d (x%d = %d)", LIMIT, sieve(LIMIT), N, total))

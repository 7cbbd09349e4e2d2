-- sieve.lua: prime numbers with the sieve of Eratosthenes.
--
-- A Lua table used as an array of booleans; `nil` means "not crossed out".
-- The inner numeric for loop uses a step (`for j = i * i, n, i`).

local function primes_up_to(n)
  local crossed = {}
  local primes = {}
  for i = 2, n do
    if not crossed[i] then
      primes[#primes + 1] = i          -- append: #t is the array length
      for j = i * i, n, i do
        crossed[j] = true
      end
    end
  end
  return primes
end

local primes = primes_up_to(1000)
print(#primes .. " primes below 1000")
print("first ten: " .. table.concat(primes, " ", 1, 10))
print("last one:  " .. primes[#primes])

-- The same idea for words: keep only words not seen before, in order.
local text = "the quick brown fox jumps over the lazy dog the end"
local seen, unique = {}, {}
for word in text:gmatch("%a+") do       -- gmatch iterates pattern matches
  if not seen[word] then
    seen[word] = true
    unique[#unique + 1] = word
  end
end
print("unique words: " .. table.concat(unique, " "))

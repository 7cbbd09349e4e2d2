-- while and repeat loops (LOOP at the head), with break, nested loops,
-- repeat-until conditions reading locals declared in the body, and loops
-- whose bodies are empty.
local i = 0
while i < 5 do i = i + 1 end
print(i)

local j = 10
while true do
  j = j - 3
  if j < 0 then break end
end
print(j)

-- repeat: the condition sees the body's locals
local k = 0
repeat
  local doubled = k * 2
  k = k + 1
until doubled >= 10
print(k)

-- repeat with a closure over a body local and a break inside
local fs = {}
local m = 0
repeat
  m = m + 1
  local captured = m
  fs[m] = function() return captured end
  if m == 10 then break end
until captured >= 4
print(#fs, fs[4]())

-- nested while in repeat
local pairs_found = {}
local a = 0
repeat
  a = a + 1
  local b = 0
  while b < a do
    b = b + 1
    if (a + b) % 4 == 0 then pairs_found[#pairs_found + 1] = a .. "+" .. b end
  end
until a >= 5
print(table.concat(pairs_found, " "))

-- empty bodies
local cnt = 0
local function tick() cnt = cnt + 1 return cnt < 5 end
while tick() do end
print(cnt)
repeat until not tick() or cnt > 7
print(cnt)

-- gcd and collatz as classic while loops
local function gcd(x, y) while y ~= 0 do x, y = y, x % y end return x end
print(gcd(48, 18), gcd(17, 5), gcd(0, 9))
local function collatz(n)
  local steps = 0
  while n ~= 1 do
    if n % 2 == 0 then n = n / 2 else n = 3 * n + 1 end
    steps = steps + 1
  end
  return steps
end
print(collatz(27), collatz(97), collatz(1))

-- infinite loop left with return
local function first_square_over(limit)
  local x = 1
  while true do
    if x * x > limit then return x end
    x = x + 1
  end
end
print(first_square_over(1000))

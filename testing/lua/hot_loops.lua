-- Loops hot enough for the trace compiler (more than hotloop=56 iterations)
-- whose results do not depend on whether they run compiled: numeric for,
-- while, repeat, pairs and ipairs loops, loops with side exits (branches
-- that change direction late), nested loops, calls inside loops, and a loop
-- whose variable types change (type instability).
local function sum_for(n) local s = 0 for i = 1, n do s = s + i end return s end
local function sum_while(n) local s, i = 0, 0 while i < n do i = i + 1 s = s + i * 2 end return s end
local function sum_repeat(n) local s, i = 0, 0 repeat i = i + 1 s = s + i % 3 until i >= n return s end
print(sum_for(1000), sum_while(1000), sum_repeat(1000))

local arr = {}
for i = 1, 500 do arr[i] = i * 0.5 end
local s1 = 0
for _, v in ipairs(arr) do s1 = s1 + v end
local h = {}
for i = 1, 300 do h["k" .. i] = i end
local s2 = 0
for _, v in pairs(h) do s2 = s2 + v end
print(s1, s2)

-- side exits: the branch flips after many iterations
local flips = 0
for i = 1, 2000 do
  if i < 1500 then flips = flips + 1 else flips = flips - 2 end
end
print(flips)

-- nested loops with an inner loop trip count that varies
local total = 0
for i = 1, 100 do
  for j = 1, i % 10 do total = total + j * i end
end
print(total)

-- calls inside the loop, including a closure and a builtin
local function sq(x) return x * x end
local acc = 0
for i = 1, 1000 do acc = acc + sq(i) % 7 + math.floor(i / 3) end
print(acc)

-- type instability: numbers then strings in the same slot
local parts = {}
for i = 1, 200 do
  local v = i
  if i > 100 then v = tostring(i) end
  parts[#parts + 1] = type(v) == "number" and v * 2 or #v
end
print(parts[1], parts[100], parts[101], parts[200], #parts)

-- table growth and string building in hot loops
local t = {}
for i = 1, 1000 do t[#t + 1] = i % 10 end
local str = table.concat(t, "", 1, 60)
print(#t, str)
local buf = {}
for i = 1, 100 do buf[i] = string.char(65 + i % 26) end
print(table.concat(buf))

-- a loop that exits through break after becoming hot
local found
for i = 1, 100000 do
  if i * i > 50000 then found = i break end
end
print(found)

-- float and integer mixing in one accumulator
local x = 0
for i = 1, 1000 do x = x + (i % 2 == 0 and 0.5 or 1) end
print(x)

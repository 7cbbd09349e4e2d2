-- Numeric for loops (FORI/FORL): positive, negative and fractional steps,
-- empty ranges, loop variable copies, modification of the copy, nested
-- loops, break, and a step of zero guarded out.
local function collect(a, b, c)
  local out = {}
  if c then
    for i = a, b, c do out[#out + 1] = i if #out > 20 then break end end
  else
    for i = a, b do out[#out + 1] = i if #out > 20 then break end end
  end
  return table.concat(out, " ")
end
print(collect(1, 5))
print(collect(5, 1))
print(collect(5, 1, -1))
print(collect(1, 2, 0.25))
print(collect(1, 0, 0.5))
print(collect(0, -1, -0.3))
print(collect(10, 100, 25))
print(collect(-5, 5, 3))
print(collect(1, 1))
print(collect(1.5, 4))
print(collect(2^53 - 2, 2^53))

-- constant bounds: different code for literal start/stop/step
local s = 0
for i = 1, 100 do s = s + i end
print(s)
s = 0
for i = 100, 1, -1 do s = s + i end
print(s)
s = 0
for i = 0.5, 5, 0.5 do s = s + i end
print(s)

-- the loop variable is a copy
local last
for i = 1, 3 do
  last = i
  i = i * 10      -- does not affect iteration
  io.write(i, " ")
end
print(last)

-- bounds are evaluated once
local n = 3
for i = 1, n do n = n + 1 io.write(i, " ") end
print(n)

-- nested loops, triangle numbers
local tri = {}
for i = 1, 5 do
  local row = 0
  for j = 1, i do row = row + j end
  tri[#tri + 1] = row
end
print(table.concat(tri, ","))

-- errors in for-loop setup
print(pcall(function() for i = 1, "x" do end end))
print(pcall(function() for i = nil, 2 do end end))
print(pcall(function() local step for i = 1, 2, step do end end))

-- string bounds are coerced
local c = 0
for i = "1", "3" do c = c + i end
print(c)

-- large iteration count stays quick and exact
local acc = 0
for i = 1, 100000 do acc = acc + i % 7 end
print(acc)

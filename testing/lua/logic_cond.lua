-- `and`, `or` and `not` in condition context: IST/ISF tests, inverted jumps,
-- and short-circuit jump lists that must be patched correctly.
local function test(a, b, c)
  local r = {}
  if a then r[#r + 1] = "a" end
  if not a then r[#r + 1] = "!a" end
  if a and b then r[#r + 1] = "a&b" end
  if a or b then r[#r + 1] = "a|b" end
  if a and b or c then r[#r + 1] = "a&b|c" end
  if a and (b or c) then r[#r + 1] = "a&(b|c)" end
  if not (a or b) then r[#r + 1] = "!(a|b)" end
  if not a and not b then r[#r + 1] = "!a&!b" end
  if (a or b) and (b or c) then r[#r + 1] = "(a|b)&(b|c)" end
  if a == nil or b == false then r[#r + 1] = "nil|false" end
  return table.concat(r, " ")
end
local vals = { true, false, nil }
for i = 1, 3 do
  for j = 1, 3 do
    for k = 1, 3 do
      print(i, j, k, test(vals[i], vals[j], vals[k]))
    end
  end
end

-- Constant conditions: `if true`/`while false` shapes.
if true then print("always") end
if false then print("never") else print("else branch") end
if nil then print("never") elseif 1 then print("elseif 1") end
while false do print("never") end
repeat local once = 1 until true
print("after constant loops")

-- elseif chains.
local function grade(s)
  if s >= 90 then return "A"
  elseif s >= 80 then return "B"
  elseif s >= 70 then return "C"
  elseif s >= 60 then return "D"
  else return "F" end
end
for _, s in ipairs({ 95, 85, 75, 65, 55, 90, 60 }) do io.write(grade(s), " ") end
print()

-- while with compound condition.
local i, j = 0, 10
while i < j and i ~= 7 or i == 2 do i = i + 1; j = j - 0.5 end
print(i, j)

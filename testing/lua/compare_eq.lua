-- Equality tests against every constant kind: strings (ISEQS/ISNES),
-- numbers (ISEQN/ISNEN), primitives nil/false/true (ISEQP/ISNEP) and
-- variables (ISEQV/ISNEV), in both condition and value contexts.
local function classify(v)
  local r = {}
  if v == "x" then r[#r + 1] = "s=" end
  if v ~= "x" then r[#r + 1] = "s~" end
  if "y" == v then r[#r + 1] = "s2=" end
  if v == 1 then r[#r + 1] = "n=" end
  if v ~= 1 then r[#r + 1] = "n~" end
  if 2.5 == v then r[#r + 1] = "n2=" end
  if v == nil then r[#r + 1] = "nil=" end
  if v ~= nil then r[#r + 1] = "nil~" end
  if v == true then r[#r + 1] = "t=" end
  if v ~= false then r[#r + 1] = "f~" end
  if false == v then r[#r + 1] = "f=" end
  return table.concat(r, ",")
end
for _, v in ipairs({ "x", "y", 1, 2.5, true, false, 0 }) do
  print(tostring(v), classify(v))
end
print("nil", classify(nil))

-- As values.
local function eqvals(a, b)
  return a == b, a ~= b, a == "k", a ~= "k", a == 3, a ~= 3, a == nil, a ~= true
end
print(eqvals(3, 3))
print(eqvals("k", "k"))
print(eqvals(nil, false))
print(eqvals(true, 1))

-- Tables and functions compare by identity.
local t1, t2 = {}, {}
local f1 = function() end
print(t1 == t2, t1 == t1, t1 ~= t2, f1 == f1, print == print)

-- Number/string never equal; -0 equals 0; NaN never equals itself.
local nan = 0 / 0
print(1 == "1", 0 == -0, nan == nan, nan ~= nan)
local z = 0
print(z == -z, z ~= -z)

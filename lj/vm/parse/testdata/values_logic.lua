-- and/or as values, not, comparisons with constants on either side.
local a, b, c = ...
local x = a and b or c
local y = a or b and c
local z = not a
local w = not (a == b)
local v = (a < b) == (b < c)
local u = a and 1 or 2
local s = a or "default"
local n = nil or false
local m = 1 and nil
local k = not nil
local e1 = 1 == a
local e2 = "x" ~= a
local e3 = nil == a
local e4 = a ~= true
local e5 = a == 1.5
if a and b then print(1) elseif a or c then print(2) else print(3) end
if not a then print(4) end
if a == nil then print(5) end
if 2 < a then print(6) end
if a <= 3 then print(7) end
if a >= b then print(8) end
while a and (b or c) do a = a - 1 end
local r = (a or b) and (c or a)
local q = a and b and c or nil
local p = ((a)) 
local t = {a and b, a or b, not a}
print(x, y, z, w, v, u, s, n, m, k, e1, e2, e3, e4, e5, r, q, p, t)
return a or b

-- A generic for with more than three values: the extras are evaluated
-- for their effects, then dropped before the loop scope begins.
local t = {}
for _, k in next, t, nil, 5, print("x") do print(k) end
for _, k in v0, v1, v2, ipairs(t) do end
local a, b = 1, 2, 3, 4
print(a, b)

-- arithmetic operand forms and register reuse.
local a, b = 1, 2
local t = {1, 2, 3}
local r = a + 1
r = 1 + a
r = a + b
r = 2 * (a + b) - t[1] / t[a] % b ^ 2
r = -a, - -a, -(a + b), #t, #"abc"
r = a .. b .. "c" .. t[1] .. (a .. b)
r = (a + b) * (a - b) + (t[1] + t[2]) * (t[3] - a)
r = t[a + 1] + t.x.y.z + t[t[t[1]]]
local big = {}
for i = 1, 300 do end
r = a < b, a <= b, a > b, a >= b, 1 < a, a < 1
local function f(x, y, ...) return x + y, select('#', ...) end
r = f(a, b), f(f(1, 2)), f(1, f(2, 3))
r = math.floor(a / b) + math.max(a, b, 3)
a = a + 1; b = b - 1
t.n = t.n + 1
t[a] = t[b] * 2
return r

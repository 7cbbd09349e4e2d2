-- Constant folding: what LuaJIT's parser folds at compile time, and what it
-- deliberately leaves to run time (division by zero, results that are -0 or
-- NaN, modulo by zero). Values are printed so any folding mistake shows up.
local function show(label, v)
  print(label, string.format("%.17g", v), tostring(v))
end

-- Folded into a single KSHORT/KNUM.
local a = 1 + 2 * 3 - 4 / 2
local b = 2 ^ 10
local c = (7 % 3) + (-7 % 3) + (7 % -3)
local d = -(-5)
local e = 10 - 3 - 2
local f = 2 ^ 3 ^ 2
local g = 1e308 * 10
local h = 0x10 + 0xff
show("a", a) show("b", b) show("c", c) show("d", d)
show("e", e) show("f", f) show("g", g) show("h", h)

-- Not folded: results that are NaN or -0 stay as run-time arithmetic.
local z1 = 1 / 0
local z2 = -1 / 0
local z3 = 0 / 0
local z4 = 0 * -1
local z5 = -0
local z6 = 5 % 0
local z7 = 0 / -3
show("1/0", z1) show("-1/0", z2)
print("0/0 is nan", z3 ~= z3)
print("0*-1", 1 / z4) print("-0", 1 / z5)
print("5%0 is nan", z6 ~= z6)
print("0/-3", 1 / z7)

-- Folding across parentheses and unary minus.
local p = -(2 + 3) * 4
local q = -2 ^ 2
local r = (-2) ^ 2
local s = 3 - -3
local t = - - 3
show("p", p) show("q", q) show("r", r) show("s", s) show("t", t)

-- Large and fractional results become KNUM constants.
local big = 65536 * 65536
local frac = 1 / 3
local neg = -32768
local neg2 = -32769
local short = 32767
local notshort = 32768
show("big", big) show("frac", frac) show("neg", neg)
show("neg2", neg2) show("short", short) show("notshort", notshort)

-- Mixed constant and variable: only the constant sub-tree is folded.
local x = 10
local u = x + 2 * 3
local v = 2 * 3 + x
local w = x * (1 + 1)
show("u", u) show("v", v) show("w", w)

-- Integer-valued doubles and fractional modulo.
show("5.5%2", 5.5 % 2) show("-5.5%2", -5.5 % 2) show("5.5%-2", 5.5 % -2)
show("2^0.5", 2 ^ 0.5) show("2^-1", 2 ^ -1)

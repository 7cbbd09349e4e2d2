-- Number syntax and formatting shared by Lua 5.1 and LuaJIT: decimal,
-- exponent and hex integer literals, tostring's %.14g, integer-valued
-- doubles, coercions. (No -0 or NaN printing: their text differs.)
-- Known LuaJIT-specific differences (the .out keeps luajit's output):
--   * tostring(123456789012345): LuaJIT's own %.14g rounds the exact tie
--     half up ("1.2345678901235e+14"); lua5.1 uses C printf, which rounds
--     half to even ("1.2345678901234e+14").
--   * tonumber("-ff", 16): LuaJIT gives -255; lua5.1 converts through
--     strtoul and prints 1.844674407371e+19.
print(0, 1, 42, 3.0, 3.5, .5, 5., 1e3, 1E-3, 2.5e+2, 1e308)
print(0x0, 0xff, 0XFF, 0x7fffffff, 0xffffffff, 0x100000000)
print(2^53, 2^53 - 1, 2^31, 2^32, 2^63, -2^31)
print(0.1 + 0.2, 1/3, 100/3, 1e15, 1e16, 123456789012345)
print(1/0, -1/0, 1e300 * 1e300, 7 % 3, -7 % 3, 7 % -3, 5.25 % 2)
print(string.format("%.17g %.17g", 0.1, 2^53 + 1))
print(tonumber("10"), tonumber("  0x1A  "), tonumber("1e2"), tonumber("abc"))
print(tonumber("z", 36), tonumber("11", 2), tonumber("777", 8), tonumber("-ff", 16))
print("10" + 1, "0x10" * 2, 10 .. 20, 1.5 .. "")
print(math.floor(3.7), math.ceil(3.2), math.floor(-3.7), math.ceil(-3.2))
print(math.max(1, 5, 3), math.min(4, -2, 8), math.abs(-7.25))
print(math.fmod(7, 3), math.fmod(-7, 3), math.modf(3.75))
print(string.format("%5.2f|%-8d|%08.3f|%+d|%x|%X|%o", 3.14159, 42, -3.5, 7, 255, 255, 8))
local sum = 0
for i = 1, 100 do sum = sum + i * 0.1 end
print(sum, string.format("%.10f", sum))
print(2^-1074 > 0, 2^1024, -(2^1024))

-- Numeric literal forms and edge values, including LuaJIT-only hex floats
-- (0x1p4, 0x.8, 0xA.8p1) and binary literals (0b101). Printed both through
-- tostring (%.14g) and %.17g so rounding differences show.
local function show(...)
  local out = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    out[i] = tostring(v) .. "/" .. string.format("%.17g", v)
  end
  print(table.concat(out, "  "))
end
show(0, 1, 42, 3.0, 3.5, .5, 5., 1e3, 1E-3, 2.5e+2, 1e308, 5e-324)
show(0x0, 0xff, 0XFF, 0x7fffffff, 0xffffffff, 0x100000000, 0xdeadbeef)
show(0x1p4, 0x1P-2, 0x.8, 0xA.8p1, 0x1.8, 0x10p0, 0xfp-4)
show(0b0, 0b1, 0b101, 0B1111, 0b11111111111111111111111111111111)
show(2^53, 2^53 + 1, 2^53 - 1, -2^53, 2^63, 2^64, 2^1023 * 2)
show(9007199254740993, 123456789012345678, 0.1 + 0.2, 1/3, 100 / 3)
show(1e15, 1e16, 1e17, 123456789012345, 12345678901234567890)
show(-0, 0 * -1, 1/0, -1/0)
local nan = 0 / 0
print(nan ~= nan, tostring(nan) == tostring(0/0))
print(math.huge, -math.huge, math.huge == 1/0)
print(2^31, 2^32, -2^31, 2^31 - 1)
print(32767, 32768, -32768, -32769, 65535, 65536)
print(1e-300 * 1e-300, 1e300 * 1e300, -1e300 * 1e300)
print(tonumber("0x1p4"), tonumber("0b101"), tonumber("1e2"), tonumber("  12  "))
print(tonumber("0x"), tonumber("1e"), tonumber(""), tonumber("1 2"))
print(tonumber("ff", 16), tonumber("777", 8), tonumber("zz", 36), tonumber("101", 2))
print(string.format("%.0f %.3f %g %g %g", 2^53, math.pi, 1e20, 1e-5, 123456789))
print(8 % 3.5, -8 % 3.5, 2^0.5 * 2^0.5 == 2, math.floor(-0.5), math.ceil(-0.5))

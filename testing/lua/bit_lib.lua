-- LuaJIT's bit library: 32-bit signed results, tobit normalisation,
-- shifts by amounts modulo 32, rotations, byte swap and tohex widths.
print(bit.tobit(0xffffffff), bit.tobit(2^32 + 5), bit.tobit(-1), bit.tobit(2^31))
print(bit.bnot(0), bit.bnot(-1), bit.bnot(0x12345678))
print(bit.band(0xff, 0x0f), bit.band(-1, 0x80000000), bit.band(1, 2, 3), bit.band(7, 6, 5))
print(bit.bor(1, 2, 4), bit.bor(0x80000000, 1), bit.bxor(5, 3), bit.bxor(1, 1, 1))
print(bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), bit.lshift(0xff, 28))
print(bit.rshift(-1, 1), bit.rshift(0x80000000, 31), bit.arshift(-8, 1), bit.arshift(0x80000000, 31))
print(bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.rol(1, 33), bit.ror(1, 1))
print(bit.bswap(0x12345678), bit.bswap(-1), bit.bswap(0xff))
print(bit.tohex(255), bit.tohex(255, 2), bit.tohex(255, -4), bit.tohex(-1), bit.tohex(0x1234, 8), bit.tohex(1, -1))
print(bit.band(1.5, 3), bit.bor(2^52 + 1, 0), bit.tobit(1e10))

-- a tiny checksum built from bit operations
local function fnv1a(s)
  local h = 0x811c9dc5
  for i = 1, #s do
    h = bit.bxor(h, s:byte(i))
    h = bit.tobit(h * 16777619 % 2^32)
  end
  return bit.tohex(h)
end
print(fnv1a(""), fnv1a("a"), fnv1a("hello world"))

-- population count with shifts and masks
local function popcount(x)
  local c = 0
  while x ~= 0 do x = bit.band(x, x - 1) c = c + 1 end
  return c
end
print(popcount(0), popcount(255), popcount(-1), popcount(0x55555555))
print(pcall(bit.band, "x", 1))

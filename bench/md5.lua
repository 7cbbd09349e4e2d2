-- md5: the MD5 message digest (RFC 1321) computed with LuaJIT's `bit` library:
-- the message is padded to 64-byte blocks, each block is read as sixteen
-- little-endian words and mixed in four rounds of sixteen steps. We hash a
-- generated message, then repeatedly hash each digest appended to the message.
-- Needs the `bit` library, so it runs under luajit (JIT on or off), not lua5.1.
-- N: the number of chained digests of an 8 KiB message (default 16000).
local N = tonumber(arg and arg[1]) or 16000

local bit = bit or require("bit")
local band, bor, bxor, bnot = bit.band, bit.bor, bit.bxor, bit.bnot
local lshift, rshift, rol, tobit = bit.lshift, bit.rshift, bit.rol, bit.tobit
local tohex, bswap = bit.tohex, bit.bswap
local byte, char, rep, format = string.byte, string.char, string.rep, string.format
local floor, abs, sin = math.floor, math.abs, math.sin
local unpack = unpack or table.unpack

-- Per-step additive constants floor(|sin(i)| * 2^32) and rotate amounts.
local K, S = {}, {}
for i = 1, 64 do K[i] = tobit(floor(abs(sin(i)) * 4294967296)) end
do
  local shifts = { { 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 } }
  for i = 0, 63 do S[i + 1] = shifts[floor(i / 16) + 1][i % 4 + 1] end
end

-- Append the 0x80 marker, zero padding and the 64-bit little-endian bit length.
local function pad(msg)
  local len = #msg
  local zeros = (55 - len) % 64
  local bits = len * 8
  local tail = {}
  for i = 0, 7 do tail[i + 1] = floor(bits / 2 ^ (8 * i)) % 256 end
  return msg .. "\128" .. rep("\0", zeros) .. char(unpack(tail))
end

-- Mix one 64-byte block starting at offset into the state words.
local X = {}
local function block(msg, offset, a0, b0, c0, d0)
  for i = 0, 15 do
    local p = offset + 4 * i
    local b1, b2, b3, b4 = byte(msg, p, p + 3)
    X[i] = bor(b1, lshift(b2, 8), lshift(b3, 16), lshift(b4, 24))
  end
  local a, b, c, d = a0, b0, c0, d0
  for i = 0, 63 do
    local f, g
    if i < 16 then
      f, g = bor(band(b, c), band(bnot(b), d)), i
    elseif i < 32 then
      f, g = bor(band(d, b), band(bnot(d), c)), (5 * i + 1) % 16
    elseif i < 48 then
      f, g = bxor(b, c, d), (3 * i + 5) % 16
    else
      f, g = bxor(c, bor(b, bnot(d))), (7 * i) % 16
    end
    local t = d
    d, c = c, b
    b = tobit(b + rol(tobit(a + f + K[i + 1] + X[g]), S[i + 1]))
    a = t
  end
  return tobit(a0 + a), tobit(b0 + b), tobit(c0 + c), tobit(d0 + d)
end

-- Hex digest: the state words written out in little-endian byte order.
local function md5(msg)
  msg = pad(msg)
  local a, b, c, d = tobit(0x67452301), tobit(0xefcdab89), tobit(0x98badcfe), tobit(0x10325476)
  for offset = 1, #msg, 64 do a, b, c, d = block(msg, offset, a, b, c, d) end
  return tohex(bswap(a)) .. tohex(bswap(b)) .. tohex(bswap(c)) .. tohex(bswap(d))
end

-- Known answers from RFC 1321 guard the implementation.
assert(md5("") == "d41d8cd98f00b204e9800998ecf8427e")
assert(md5("abc") == "900150983cd24fb0d6963f7d28e17f72")
assert(md5("message digest") == "f96b697d7cb7938d525a2f31aaf161d0")

local parts = {}
for i = 1, 8192 / 32 do parts[i] = format("%031d\n", i * 7919) end
local message = table.concat(parts)
local digest = md5(message)
for _ = 2, N do digest = md5(message .. digest) end
print(format("md5 of %d bytes: %s", #message, md5(message)))
print(format("after %d chained digests: %s", N, digest))

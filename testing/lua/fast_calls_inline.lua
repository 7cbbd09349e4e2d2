-- The fast functions CALL/CALLM answer inline (bit.*, math.floor/abs/sqrt)
-- at their edges: every result count (none, one, several, all as a last
-- argument or into a table), argument counts from none to past the inline
-- limit of band/bor/bxor, strings and other types (the C function's
-- conversion or error), rounding and wrapping of huge, fractional, negative
-- zero, infinite and NaN numbers, shift counts modulo 32, a replaced
-- library function, and a hook that must see the C function run. (No
-- math call without arguments: luajit reads a stale stack slot there.)

local band, bor, bxor, bnot = bit.band, bit.bor, bit.bxor, bit.bnot
local lshift, rshift, arshift = bit.lshift, bit.rshift, bit.arshift
local rol, ror, tobit = bit.rol, bit.ror, bit.tobit
local floor, abs, sqrt = math.floor, math.abs, math.sqrt

local function show(...)
  local parts = { select("#", ...) .. ":" }
  for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
  print(table.concat(parts, " "))
end

local function try(f, ...)
  local ok, err = pcall(f, ...)
  print(ok, err)
end

-- Result counts ---------------------------------------------------------------
band(1, 3)                                     -- no result wanted
local one = band(6, 3)
local a, b, c = bor(1, 2)                      -- extra results are nil
print(one, a, b, c)
show(bxor(5, 1))                               -- all results (B=0)
show(bxor(5, 1), tobit(7))                     -- one, then all
print(#{ lshift(1, 4), rshift(256, 4) })
local t = { floor(2.5), abs(-3), sqrt(16) }
print(t[1], t[2], t[3])
local function varargs(...) return band(...), bor(...), bxor(...) end
print(varargs(12, 10))
print(varargs(0xff, 0x0f, 0x3c, 0x81))
print(varargs(1, 2, 4, 8, 16))                 -- five: past the inline limit
print(band(tobit(bor(1, 2)), bxor(3, 5)))      -- nested, last argument a call

-- Argument counts and types -----------------------------------------------------
print(band(7), bor(7), bxor(7))
print(band(1, 2, 3, 4), bor(1, 2, 4, 8), bxor(1, 3, 7, 15))
print(band(-1, -1, -1, -1, -1, 255))
print(tobit(1, "extra"), bnot(0, nil), lshift(1, 2, 3), floor(1.5, "x"), abs(-2, {}))
print(band("12", 10), bor(" 0x10 ", 1), lshift("1", "4"), tobit("0x7fffffff"))
print(floor("2.5"), abs("-7"), sqrt("9"))
try(band)
try(band, 1, nil)
try(bor, 1, 2, 3, {})
try(bxor, "abc", 1)
try(lshift, 1)
try(rol, nil, 1)
try(tobit)
try(bnot, true)
try(abs, "x")
try(sqrt, nil)
try(function() return band(1, {}) end)
try(function() local x = lshift(1) return x end)
try(function() return floor(nil) + 1 end)

-- Numbers: rounding, wrapping, specials --------------------------------------------
print(tobit(2^31), tobit(2^32 + 5), tobit(-2^31 - 1), tobit(2^53), tobit(2^52 + 0.5))
print(tobit(0.5), tobit(1.5), tobit(2.5), tobit(-0.5), tobit(-1.5), tobit(-0.0))
print(tobit(0/0), tobit(1/0), tobit(-1/0), tobit(1e300))
print(bnot(0), bnot(-1), bnot(2^31), bnot(0.5))
print(lshift(1, 31), lshift(1, 32), lshift(1, 33), lshift(1, -1), lshift(3, 2.5))
print(rshift(-1, 0), rshift(-1, 1), rshift(-1, 31), rshift(-1, 32), rshift(-256, -28))
print(arshift(-256, 4), arshift(-1, 31), arshift(2^31, 1), arshift(1, 64))
print(rol(0x12345678, 4), rol(0x12345678, 36), rol(-1, 7), rol(1, -1))
print(ror(0x12345678, 4), ror(0x12345678, 0), ror(1, 1), ror(1, 33))
print(floor(-0.5), floor(-0.0), floor(0.5), floor(-2^53 - 0.5), floor(2^60 + 1))
print(floor(1/0), floor(-1/0), floor(0/0), floor(-3), floor(3.999999))
print(abs(-0.0), abs(-1/0), abs(0/0), abs(-2^63), abs(5))
print(sqrt(-1), sqrt(-0.0), sqrt(1/0), sqrt(0/0), sqrt(2), sqrt(0))
print(1 / floor(-0.5), 1 / abs(-0.0), 1 / sqrt(-0.0), 1 / tobit(-0.0))

-- Through CALLM (a multiple-result last argument) --------------------------------------
local function pair() return 0x0f, 0xf0 end
print(bor(pair()), band(0xff, pair()), bxor(1, 2, pair()), lshift(pair()))
print(floor(pair()), abs(pair()), sqrt(pair()))
local function many() return 1, 2, 4, 8, 16, 32 end
print(bor(many()), bor(0, many()))

-- A replaced library function is a plain call ------------------------------------------
local saved = bit.band
bit.band = function(x, y) return "replaced " .. x .. " " .. y end
print(bit.band(1, 2), band(1, 2))
bit.band = saved
print(bit.band(6, 3))

-- Call hooks see the C functions the calls run ----------------------------------------
local seen = {}
debug.sethook(function(event)
  local info = debug.getinfo(2, "n")
  if info and info.name then seen[#seen + 1] = event .. " " .. info.name end
end, "c")
local h1 = band(3, 5)
local h2 = floor(2.5)
debug.sethook()
print(h1, h2)
for i = 1, #seen do
  if seen[i]:find("band") or seen[i]:find("floor") then print(seen[i]) end
end

-- A loop as md5 calls them ------------------------------------------------------------
local acc = 0
for i = 1, 2000 do
  acc = tobit(acc + rol(bxor(acc, i, lshift(i, 3)), i % 37))
  acc = bor(band(acc, 0x7fffffff), rshift(acc, 31))
end
print(acc, floor(sqrt(abs(acc))))

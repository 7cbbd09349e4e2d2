-- The string library apart from patterns and format: byte/char, sub with
-- negative and out-of-range indices, upper/lower, rep, reverse, len, and
-- the method-call forms of each, plus tostring/tonumber round trips.
local s = "Hello, Lua!"
print(#s, s:len(), string.len(""))
print(s:sub(1, 5), s:sub(-4), s:sub(-4, -2), s:sub(8), s:sub(0), s:sub(5, 2), s:sub(-100, 3), s:sub(3, 100))
print(s:upper(), s:lower(), s:reverse())
print(s:byte(), s:byte(1, 3), s:byte(-1), s:byte(100))
print(string.char(72, 105), string.char(), #string.char(0, 0))
print(("ab"):rep(4), ("-"):rep(10), ("x"):rep(-1) == "")
print(string.byte("A") + 1, string.char(string.byte("a") - 32))
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local bin = table.concat(all)
print(#bin, bin:byte(1), bin:byte(256), bin:sub(66, 70), bin:upper():sub(98, 100))

-- strings are values: concatenation builds new strings, comparison is by content
local a = "con" .. "cat"
local b = "concat"
print(a == b, a < "concaz", "Z" < "a", "" < "a", "abc" < "abd", "ab" < "abc")

-- tostring/tonumber round trips
for _, v in ipairs({ 0, 1, -1, 0.5, 1e10, 1e-10, 123.456, 2^40 }) do
  io.write(tostring(v), "=", tostring(tonumber(tostring(v)) == v), " ")
end
print()

-- counting and splitting helpers written with the library
local function split(str, sep)
  local out, start = {}, 1
  while true do
    local i, j = str:find(sep, start, true)
    if not i then out[#out + 1] = str:sub(start) break end
    out[#out + 1] = str:sub(start, i - 1)
    start = j + 1
  end
  return out
end
local parts = split("a,b,,c,", ",")
print(#parts, table.concat(parts, "|"))
local function count(str, ch)
  local n = 0
  for i = 1, #str do if str:sub(i, i) == ch then n = n + 1 end end
  return n
end
print(count("mississippi", "s"), count("mississippi", "i"))

-- character classification with byte ranges
local function classify(c)
  local bt = c:byte()
  if bt >= 48 and bt <= 57 then return "d" elseif (bt >= 65 and bt <= 90) or (bt >= 97 and bt <= 122) then return "a" else return "o" end
end
local classes = {}
for ch in ("a1 B?"):gmatch(".") do classes[#classes + 1] = classify(ch) end
print(table.concat(classes))

-- string coercion of numbers in concatenation and library calls
print(1 .. "", 1.5 .. "x", string.len(12345), string.rep(7, 3), string.upper(1e3))
print(("%d"):rep(2), string.format("%s", 1 / 4))

-- The string library's fast cases: gsub with a table (a raw hit, a miss
-- through __index, __index that writes the table, only the first capture
-- used), single-item patterns, gmatch over captures, and string.sub/byte
-- on one-byte results and odd indexes (negative, fractional, huge, NaN).
local function show(...)
  local t = { ... }
  for i = 1, select("#", ...) do t[i] = tostring(t[i]) end
  print(table.concat(t, " "))
end
local function try(f, ...) show(pcall(f, ...)) end

local T = { a = "1", b = 2, c = false, d = true }
try(string.gsub, "abcde", "%a", T)
try(string.gsub, "abcde", "(%a)", T)
try(string.gsub, "abcde", "()", { [1] = "X", [3] = "Y" })
try(string.gsub, "abcde", "(a)(b", T)
try(string.gsub, "abcde", "(a)(b", function() return "F" end)
try(string.gsub, "hello world", "%w+", setmetatable({}, { __index = function(_, k) return k:upper() end }))
local calls = 0
local writes = setmetatable({ x = "raw" }, { __index = function(t, k)
  calls = calls + 1
  rawset(t, k, "set" .. calls)
  return nil
end })
try(string.gsub, "xyzyx", "%a", writes)
show(calls, writes.y, writes.z)
try(string.gsub, "aaa", "a", { a = {} })
try(string.gsub, "aaa", "a", { a = 1.5 })
try(string.gsub, "abc abc", "^%a+", T)
try(string.gsub, "abc abc", "x*", "-")
try(string.gsub, "\0a\0b", "%z", "Z")
try(string.gsub, "a.b.c", "[%.b]+", "x")
for a, b in string.gmatch("k=v, x=y", "(%w+)=(%w+)") do io.write(a, "/", b, ",") end
print()
for p in string.gmatch("a1b22c333", "%d*") do io.write("[", p, "]") end
print()
for p in string.gmatch("^a^b", "^%a") do io.write("[", p, "]") end
print()
try(function() for _ in string.gmatch("abc", "(%a") do end end)
show(("abcdef"):sub(2, 4), ("abcdef"):sub(-3), ("abcdef"):sub(0), ("abcdef"):sub(-100, 2),
  ("abcdef"):sub(3, -100), ("abcdef"):sub(5, 2), ("abcdef"):sub(2 ^ 31), ("abcdef"):sub(1, 2 ^ 32 + 5),
  ("abcdef"):sub(-2 ^ 31), ("abcdef"):sub(0 / 0))
show(("abcdef"):sub(4, 4), ("abcdef"):sub(7), ("abcdef"):sub(6, 100), ("abcdef"):sub(2.7, 3.9), ("abcdef"):sub(-2.5))
show(("abcdef"):byte(2), ("abcdef"):byte(-1), ("abcdef"):byte(0), ("abcdef"):byte(7), ("abcdef"):byte(2.9),
  ("abcdef"):byte(2 ^ 31), ("abcdef"):byte(0 / 0), ("abcdef"):byte(-2 ^ 40), ("abcdef"):byte())
try(string.sub, "abc", "2")
try(string.sub, "abc", {})
try(string.byte, "abc", {})
-- One-byte strings are shared and survive collections.
local a = ("xay"):sub(2, 2)
collectgarbage()
collectgarbage()
show(a == "a", a == string.char(97), ("\255"):sub(1, 1):byte(), #("abc"):sub(2, 2))

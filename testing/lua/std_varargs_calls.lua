-- Varargs, multiple results and call forms in pure Lua 5.1: select,
-- unpack, table packing, results truncated by parentheses and by position,
-- tail calls and string/table call sugar. Output matches lua5.1.
local function count(...) return select("#", ...) end
local function id(...) return ... end
print(count(), count(nil), count(id(1, 2, 3)), count(id(1, 2, 3), 4), count((id(1, 2, 3))))
print(id(1, nil, 3))
print(select(2, id("a", "b", "c")))
print(unpack({ 1, 2, 3 }), unpack({ 1, 2, 3 }, 2), (unpack({ 1, 2, 3 })))
local t = { id(1, 2), id(3, 4) }
print(#t, t[1], t[2], t[3])
local function avg(...)
  local n = select("#", ...)
  if n == 0 then return 0 end
  local s = 0
  for i = 1, n do s = s + select(i, ...) end
  return s / n
end
print(avg(), avg(1), avg(1, 2, 3, 4))
local function tail(n, ...) if n == 0 then return ... end return tail(n - 1, n, ...) end
print(tail(5))
print(string.format("%s|%s", id("x", "y")), ("%d"):rep(3))
local function f(t) return t[1] .. #t end
print(f{ "a", "b" }, type"x", tostring(nil), tonumber"12")
local function ret_mixed() return 1, "two", nil, false end
local a, b, c, d, e = ret_mixed()
print(a, b, c, d, e)
print(pcall(id, "passed", "through"))
print(select("#", pcall(error)))

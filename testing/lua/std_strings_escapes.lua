-- Standard Lua 5.1 string syntax: quotes, decimal escapes, line
-- continuation, long brackets of every level; lua5.1 and luajit agree.
local function bytes(s)
  local out = {}
  for i = 1, #s do out[i] = string.byte(s, i) end
  return #s .. ":" .. table.concat(out, ",")
end
print(bytes("\a\b\f\n\r\t\v\\\"\'"))
print(bytes("\0\1\12\123\255\0001"))
print(bytes("cont\
inued"))
print("double 'quotes' inside", 'single "quotes" inside')
print([[long string
with two lines]])
print([[
leading newline is skipped]])
print([==[contains ]] and ]=] inside]==])
print(#[[]], #[==[]==], #"")
local nested = [=[
[[inner]]
]=]
print(bytes(nested))
print("a" .. [[b]] .. 'c' .. "\100")
print(("x"):rep(3), #[[
]])

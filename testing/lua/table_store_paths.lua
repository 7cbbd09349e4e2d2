-- Table stores and loads through the interpreter's fast paths: keys that
-- are or are not array slots (-0, fractions, 2^31, 2^53, huge, inf, strings
-- that look like numbers), stores into empty slots of tables whose
-- metatable lacks or later gains __newindex, constant indexes (TSETB/TGETB)
-- and '#' while an array grows by appends with holes.

-- Array slot or not: the same key reads back what was stored under it.
local t = { 10, 20, 30, [0] = 0 }
local keys = { -0.0, 0, 1, 3, 4, -1, 0.5, 2.5, 2^31, 2^32, 2^53, -2^53, 2^63, -2^63, 1e308, 1/0, -1/0, "1", "0" }
for i, k in ipairs(keys) do
  t[k] = i
end
for _, k in ipairs(keys) do
  io.write(tostring(k), "=", tostring(t[k]), " ")
end
print()
print(t[0], t[-0.0], #t)

-- Empty slots of a table with a metatable: __newindex applies until the
-- key holds a value, and again once the metatable gains it later.
local log = {}
local mt = {}
local obj = setmetatable({ x = 1, 11, 12 }, mt)
obj.x = nil
obj.x = 2          -- no __newindex yet: a raw store
obj.x = nil
obj.x = 3          -- again, now that the metatable is known to lack it
obj[1] = nil
obj[1] = 5         -- the same through an array slot (TSETB)
local i = 2
obj[i] = nil
obj[i] = 6         -- and TSETV
print(obj.x, obj[1], obj[2])
mt.__newindex = function(tbl, k, v) log[#log + 1] = tostring(k); rawset(tbl, k, v * 10) end
obj.x = nil
obj.x = 4
obj[1] = nil
obj[1] = 7
obj[i] = nil
obj[i] = 8
obj.y = 9
print(obj.x, obj[1], obj[2], obj.y, table.concat(log, ","))
rawset(mt, "__newindex", nil)
obj.x = nil
obj.x = 1
obj.z = 2
print(obj.x, obj.z, table.concat(log, ","))
rawset(mt, "__newindex", function(tbl, k, v) log[#log + 1] = "raw:" .. tostring(k) end)
obj.x = nil
obj.x = 5
print(obj.x, table.concat(log, ","))

-- A metatable that is itself a table with __newindex as a table.
local store = {}
local proxy = setmetatable({}, { __newindex = store })
proxy[1], proxy.a = "one", "a"
print(rawget(proxy, 1), rawget(proxy, "a"), store[1], store.a)

-- Appends with holes: '#' as the array grows and rehashes.
local buf = {}
for n = 1, 40 do
  buf[#buf + 1] = n
  if n % 7 == 0 then buf[#buf - 2] = nil end
  io.write(#buf, " ")
end
print()
local grid = {}
for n = 1, 64 do grid[n * 2] = n end
print(#grid == 0 or grid[#grid] ~= nil, grid[#grid + 1])

-- Multiple assignment: evaluation of all right-hand sides before any store,
-- swaps of locals, upvalues, globals and table slots, padding with nil and
-- truncation of extra values, calls expanded only in last position.
local a, b, c = 1, 2, 3
a, b = b, a
print(a, b, c)
a, b, c = c, a, b
print(a, b, c)

local t = { 10, 20, 30, 40 }
local i, j = 1, 4
t[i], t[j] = t[j], t[i]
print(table.concat(t, " "))
i, t[i] = i + 1, 99            -- t[1] (old i) gets 99
print(i, table.concat(t, " "))

-- upvalue swap
local x, y = "x", "y"
local function swap() x, y = y, x end
swap()
print(x, y)

-- global swap
G1, G2 = "g1", "g2"
G1, G2 = G2, G1
print(G1, G2)

-- padding and truncation
local p, q, r = 1
print(p, q, r)
local s1, s2 = 1, 2, 3, print("extra evaluated")
print(s1, s2)

-- calls expand only in the last position
local function three() return 1, 2, 3 end
local m1, m2, m3, m4 = three()
print(m1, m2, m3, m4)
local n1, n2, n3, n4 = three(), 10
print(n1, n2, n3, n4)
local o1, o2, o3 = (three())
print(o1, o2, o3)

-- assignment to fields through a chain; the table is evaluated first
local obj = { inner = { v = 1 } }
local old = obj.inner
obj.inner, obj.inner.v = { v = 2 }, 3
print(obj.inner.v, old.v)

-- many targets mixing kinds
local tt = {}
local k = "key"
tt.a, tt[k], tt[1], GV, a = 1, 2, 3, 4, 5
print(tt.a, tt.key, tt[1], GV, a)

-- a rotate of three table slots
local arr = { "a", "b", "c" }
arr[1], arr[2], arr[3] = arr[2], arr[3], arr[1]
print(arr[1], arr[2], arr[3])

-- bubble sort written with swaps
local data = { 5, 3, 8, 1, 9, 2 }
for ii = 1, #data do
  for jj = 1, #data - ii do
    if data[jj] > data[jj + 1] then data[jj], data[jj + 1] = data[jj + 1], data[jj] end
  end
end
print(table.concat(data, ","))

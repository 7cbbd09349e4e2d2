-- `#` of tables whose border depends on how the constructor laid them out:
-- template sizing, dead keys from nil values, TNEW sizes, TSETM growth,
-- rehash on insertion. Every case is deterministic under luajit (number
-- keys only: luajit seeds its string hash, so string keys are left out).
local p, q = nil, 2
local function f() return 1, nil, 3 end
local function g(...)
  print(#{...}, #{1, ...}, #{p, ...}, #{[4] = 1, ...})
end
print(#{[2] = 0}, #{[1] = 0, [2] = 0, [4] = 1}, #{[3] = 0})
print(#{1, p, 3}, #{1, nil, 3}, #{1, p, 3, 4}, #{p, 2, 3}, #{1, 2, p})
print(#{1, p}, #{1, p, 3, p, 5}, #{1, p, p, 4}, #{p, p, p, 4})
print(#{f()}, #{1, f()}, #{f(), 3}, #{nil, [5] = 3, f()})
print(#{[2] = 0, nil, [2] = 0, [5] = 3}, #{[3] = nil, [2] = 0, [2.5] = 1})
print(#{[3] = nil, [2] = 0, [8] = 1, [5] = 3}, #{1, 1, [3] = nil, [16] = 2, nil, q, nil})
print(#{[8] = 1, [1] = 5, [3] = nil, [-1] = 2, [4] = p, q})
print(#{1, nil, 3, nil, 5, [7] = 2}, #{[2] = 0, [2] = 0, [0] = 1, true, [2.5] = 1, [8] = 1})
g(nil, 7, nil)
g(1, 2, 3, 4, 5)
g()
local w = {1, 2, 3}
w[2] = nil
print(#w)
local t = {}
for i = 1, 20 do t[i] = i end
for i = 1, 20, 3 do t[i] = nil end
print(#t)
local u = {}
u[1] = 1 u[3] = 3 u[2] = nil u[4] = 4
print(#u)
local keys = {}
for i = 1, 12 do keys[i * 1.5] = i end
local order = {}
for k in pairs(keys) do order[#order + 1] = k end
print(table.concat(order, " "))

-- The table library: insert/remove at every position, concat with
-- separators and ranges, sort with and without comparators (numbers,
-- strings, records, stability not assumed), maxn, unpack, and the
-- "invalid order function" error.
local t = {}
table.insert(t, "a")
table.insert(t, "c")
table.insert(t, 2, "b")
table.insert(t, 1, "start")
print(#t, table.concat(t, ","))
print(table.remove(t), table.concat(t, ","))
print(table.remove(t, 1), table.concat(t, ","))
print(table.remove({}), #t)
print(table.remove(t, 1), table.remove(t, 1), table.remove(t), #t)

print(table.concat({ 1, 2, 3 }), table.concat({ 1, 2, 3 }, ", "), table.concat({ 1, 2, 3 }, "-", 2), table.concat({ 1, 2, 3 }, "-", 2, 3))
print(table.concat({}, "x"), table.concat({ "a" }, "x"), table.concat({ 1, 2.5, "s" }, " "))
print(pcall(table.concat, { 1, {}, 3 }))

local nums = { 5, 2, 8, 1, 9, 3, 7, 4, 6, 0 }
table.sort(nums)
print(table.concat(nums, " "))
table.sort(nums, function(a, b) return a > b end)
print(table.concat(nums, " "))
local words = { "pear", "Apple", "fig", "banana", "cherry", "apple" }
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(a, b) return a:lower() < b:lower() or (a:lower() == b:lower() and a < b) end)
print(table.concat(words, " "))
table.sort(words, function(a, b) return #a < #b or (#a == #b and a < b) end)
print(table.concat(words, " "))

local people = {
  { name = "ann", age = 31 }, { name = "bob", age = 25 }, { name = "cy", age = 31 }, { name = "di", age = 19 },
}
table.sort(people, function(p, q) if p.age ~= q.age then return p.age < q.age end return p.name < q.name end)
local names = {}
for i, p in ipairs(people) do names[i] = p.name .. p.age end
print(table.concat(names, " "))

-- sorting larger arrays
local big = {}
local seed = 12345
for i = 1, 500 do seed = (seed * 1103515245 + 12345) % 2147483648 big[i] = seed % 1000 end
table.sort(big)
local sorted = true
for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
print(sorted, big[1], big[250], big[500])

print(pcall(table.sort, { 3, 1, "x" }))
local ok = pcall(table.sort, { 5, 4, 3, 2, 1, 6, 7, 8, 9, 10, 11, 12 }, function(a, b) return true end)
print("inconsistent comparator raised:", not ok)

print(table.maxn({}), table.maxn({ 1, 2, 3 }), table.maxn({ [10] = 1, [2] = 2 }), table.maxn({ [1.5] = 1 }))
print(unpack({ 1, 2, 3 }, 2, 3))
print(#{ 1, 2, 3, nil }, #{ n = 1 })

-- insert errors
print(pcall(table.insert, {}, 1, 2, 3))
print(pcall(table.insert, nil, 1))

-- queue built on insert/remove
local q = {}
for i = 1, 5 do table.insert(q, i) end
local order = {}
while #q > 0 do order[#order + 1] = table.remove(q, 1) end
print(table.concat(order, ""))

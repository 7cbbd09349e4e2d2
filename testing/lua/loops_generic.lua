-- Generic for: pairs (ISNEXT/ITERN), ipairs and custom iterators (ITERC),
-- next called directly, stateless and stateful iterators, closures as
-- iterators, string.gmatch, and modifying a table while traversing it
-- (assigning to existing fields is allowed).
local function sorted_pairs(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b) return tostring(a) < tostring(b) end)
  local i = 0
  return function()
    i = i + 1
    local k = ks[i]
    if k ~= nil then return k, t[k] end
  end
end

local t = { 10, 20, 30, x = "a", y = "b", [5] = 50 }
local sum, n = 0, 0
for k, v in pairs(t) do
  n = n + 1
  if type(v) == "number" then sum = sum + v end
end
print(n, sum)
for k, v in sorted_pairs(t) do io.write(tostring(k), "=", tostring(v), " ") end
print()

for i, v in ipairs({ "a", "b", nil, "d" }) do io.write(i, v, " ") end
print()

-- next directly as iterator
local cnt = 0
for k, v in next, { a = 1, b = 2, c = 3 } do cnt = cnt + v end
print(cnt)
print(next({}), next({ 7 }))

-- stateless iterator with explicit state and control
local function evens(limit, cur)
  cur = cur + 2
  if cur <= limit then return cur end
end
for v in evens, 10, 0 do io.write(v, " ") end
print()

-- closure iterator
local function range(a, b, step)
  step = step or 1
  local cur = a - step
  return function()
    cur = cur + step
    if (step > 0 and cur <= b) or (step < 0 and cur >= b) then return cur end
  end
end
local acc = {}
for v in range(1, 10, 3) do acc[#acc + 1] = v end
for v in range(3, 1, -1) do acc[#acc + 1] = v end
print(table.concat(acc, ","))

-- three loop variables from one iterator
local function triples(n)
  local i = 0
  return function()
    i = i + 1
    if i <= n then return i, i * i, i * i * i end
  end
end
for a, b, c in triples(3) do io.write(a, ":", b, ":", c, " ") end
print()

-- gmatch as an iterator
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:upper() end
print(table.concat(words, "_"))
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do io.write(k, "->", v, " ") end
print()

-- clearing fields during traversal is allowed
local clear = { a = 1, b = 2, c = 3, d = 4 }
for k in pairs(clear) do clear[k] = nil end
print(next(clear))

-- updating values during traversal
local upd = { a = 1, b = 2, c = 3 }
for k, v in pairs(upd) do upd[k] = v * 10 end
for k, v in sorted_pairs(upd) do io.write(k, v, " ") end
print()

-- pairs over an array part and a hash part, counting
local big = {}
for i = 1, 100 do big[i] = i end
for i = 1, 50 do big["k" .. i] = i end
local c1, s1 = 0, 0
for _, v in pairs(big) do c1 = c1 + 1 s1 = s1 + v end
print(c1, s1)

-- break out of pairs and ipairs
local seen = 0
for _, v in ipairs(big) do seen = seen + 1 if v == 10 then break end end
print(seen)

-- an iterator that is a table with __call
local callable = setmetatable({ n = 0 }, {
  __call = function(self) self.n = self.n + 1 if self.n <= 3 then return self.n end end,
})
for v in callable do io.write(v, " ") end
print()

-- iterating with a non-function raises an error
print(pcall(function() for k in 42 do end end))

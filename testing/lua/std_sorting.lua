-- Sorting algorithms written in Lua (quicksort, merge sort, heap sort,
-- insertion sort) checked against table.sort on the same pseudo-random
-- data from a fixed linear congruential generator. Pure Lua 5.1.
local seed = 7
local function rand(n) seed = (seed * 16807) % 2147483647 return seed % n end
local function data(n) local t = {} for i = 1, n do t[i] = rand(1000) end return t end
local function copy(t) local c = {} for i = 1, #t do c[i] = t[i] end return c end
local function same(a, b) for i = 1, #a do if a[i] ~= b[i] then return false end end return #a == #b end

local function quicksort(t, lo, hi)
  lo, hi = lo or 1, hi or #t
  if lo >= hi then return t end
  local pivot, i = t[hi], lo - 1
  for j = lo, hi - 1 do
    if t[j] <= pivot then i = i + 1 t[i], t[j] = t[j], t[i] end
  end
  t[i + 1], t[hi] = t[hi], t[i + 1]
  quicksort(t, lo, i)
  quicksort(t, i + 2, hi)
  return t
end
local function mergesort(t)
  if #t <= 1 then return t end
  local mid = math.floor(#t / 2)
  local l, r = {}, {}
  for i = 1, mid do l[#l + 1] = t[i] end
  for i = mid + 1, #t do r[#r + 1] = t[i] end
  l, r = mergesort(l), mergesort(r)
  local out, i, j = {}, 1, 1
  while i <= #l and j <= #r do
    if l[i] <= r[j] then out[#out + 1] = l[i] i = i + 1 else out[#out + 1] = r[j] j = j + 1 end
  end
  while i <= #l do out[#out + 1] = l[i] i = i + 1 end
  while j <= #r do out[#out + 1] = r[j] j = j + 1 end
  return out
end
local function heapsort(t)
  local n = #t
  local function sift(start, stop)
    local root = start
    while root * 2 <= stop do
      local child = root * 2
      if child + 1 <= stop and t[child] < t[child + 1] then child = child + 1 end
      if t[root] < t[child] then t[root], t[child] = t[child], t[root] root = child else return end
    end
  end
  for s = math.floor(n / 2), 1, -1 do sift(s, n) end
  for stop = n, 2, -1 do t[1], t[stop] = t[stop], t[1] sift(1, stop - 1) end
  return t
end
local function insertion(t)
  for i = 2, #t do
    local v, j = t[i], i - 1
    while j >= 1 and t[j] > v do t[j + 1] = t[j] j = j - 1 end
    t[j + 1] = v
  end
  return t
end
for _, n in ipairs({ 0, 1, 2, 10, 100, 1000 }) do
  local d = data(n)
  local ref = copy(d)
  table.sort(ref)
  print(n, same(quicksort(copy(d)), ref), same(mergesort(copy(d)), ref),
        same(heapsort(copy(d)), ref), same(insertion(copy(d)), ref), ref[1], ref[#ref])
end

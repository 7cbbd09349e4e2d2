-- Data structures on tables: a stack, a double-ended queue with head/tail
-- indices, a binary-heap priority queue, a linked list, and a set. Pure
-- Lua 5.1.
local Deque = {}
Deque.__index = Deque
function Deque.new() return setmetatable({ head = 0, tail = -1 }, Deque) end
function Deque:push_back(v) self.tail = self.tail + 1 self[self.tail] = v end
function Deque:push_front(v) self.head = self.head - 1 self[self.head] = v end
function Deque:pop_front()
  if self.head > self.tail then return nil end
  local v = self[self.head] self[self.head] = nil self.head = self.head + 1 return v
end
function Deque:pop_back()
  if self.head > self.tail then return nil end
  local v = self[self.tail] self[self.tail] = nil self.tail = self.tail - 1 return v
end
function Deque:size() return self.tail - self.head + 1 end
local d = Deque.new()
for i = 1, 5 do d:push_back(i) end
d:push_front(0) d:push_front(-1)
print(d:size(), d:pop_front(), d:pop_back(), d:pop_front(), d:size())

local Heap = {}
Heap.__index = Heap
function Heap.new(less) return setmetatable({ n = 0, less = less or function(a, b) return a < b end }, Heap) end
function Heap:push(v)
  self.n = self.n + 1
  local i = self.n
  self[i] = v
  while i > 1 do
    local p = math.floor(i / 2)
    if self.less(self[i], self[p]) then self[i], self[p] = self[p], self[i] i = p else break end
  end
end
function Heap:pop()
  if self.n == 0 then return nil end
  local top = self[1]
  self[1] = self[self.n] self[self.n] = nil self.n = self.n - 1
  local i = 1
  while true do
    local l, r, m = 2 * i, 2 * i + 1, i
    if l <= self.n and self.less(self[l], self[m]) then m = l end
    if r <= self.n and self.less(self[r], self[m]) then m = r end
    if m == i then break end
    self[i], self[m] = self[m], self[i]
    i = m
  end
  return top
end
local h = Heap.new()
for _, v in ipairs({ 5, 9, 1, 7, 3, 8, 2, 6, 4, 0 }) do h:push(v) end
local out = {}
while h.n > 0 do out[#out + 1] = h:pop() end
print(table.concat(out, " "))
local maxh = Heap.new(function(a, b) return a.p > b.p end)
for i, name in ipairs({ "low", "high", "mid" }) do maxh:push({ p = ({ 1, 10, 5 })[i], name = name }) end
print(maxh:pop().name, maxh:pop().name, maxh:pop().name, maxh:pop())

local list = nil
for i = 1, 5 do list = { value = i, next = list } end
local vals, node = {}, list
while node do vals[#vals + 1] = node.value node = node.next end
print(table.concat(vals, "->"))
local function reverse(l) local prev = nil while l do l.next, prev, l = prev, l, l.next end return prev end
list = reverse(list)
vals, node = {}, list
while node do vals[#vals + 1] = node.value node = node.next end
print(table.concat(vals, "->"))

local function set(...) local s = {} for _, v in ipairs({ ... }) do s[v] = true end return s end
local function members(s) local m = {} for k in pairs(s) do m[#m + 1] = k end table.sort(m) return table.concat(m, ",") end
local function union(a, b) local u = {} for k in pairs(a) do u[k] = true end for k in pairs(b) do u[k] = true end return u end
local function inter(a, b) local u = {} for k in pairs(a) do if b[k] then u[k] = true end end return u end
local A, B = set(1, 2, 3, 4), set(3, 4, 5)
print(members(union(A, B)), members(inter(A, B)))

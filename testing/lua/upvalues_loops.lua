-- Closures created inside loops capture a fresh local each iteration; the
-- loop body closes its upvalues (UCLO) on every path out: normal iteration,
-- break, goto, return and nested blocks.
local fs = {}
for i = 1, 5 do
  fs[#fs + 1] = function() return i end
end
local out = {}
for k = 1, #fs do out[k] = fs[k]() end
print(table.concat(out, " "))

-- while loop with a per-iteration local.
local gs = {}
local n = 0
while n < 4 do
  n = n + 1
  local captured = n * n
  gs[n] = function() captured = captured + 1 return captured end
end
print(gs[1](), gs[1](), gs[2](), gs[4]())

-- break out of a loop whose body has a captured local.
local hs = {}
for i = 1, 10 do
  local v = i * 10
  hs[#hs + 1] = function() return v end
  if i == 3 then break end
end
print(#hs, hs[1](), hs[3]())

-- repeat-until where the condition reads the captured local.
local ks = {}
local j = 0
repeat
  j = j + 1
  local x = j
  ks[j] = function() return x end
until x >= 3
print(ks[1](), ks[2](), ks[3]())

-- Nested do-block with a captured local, then reuse of its register.
local f
do
  local hidden = "hidden"
  f = function() return hidden end
end
local after = "after"
print(f(), after)

-- Generic for: each iteration's loop variables are fresh.
local ps = {}
for idx, val in ipairs({ "a", "b", "c" }) do
  ps[idx] = function() return idx .. val end
end
print(ps[1](), ps[2](), ps[3]())

-- Closing upvalues on return from the middle of a loop.
local function find_first(t, pred)
  for i = 1, #t do
    local item = t[i]
    local check = function() return pred(item) end
    if check() then return item, function() return item end end
  end
end
local item, getter = find_first({ 1, 4, 9, 16 }, function(x) return x > 5 end)
print(item, getter())

-- Loop with a closure in only one branch.
local acc = {}
for i = 1, 6 do
  if i % 2 == 0 then
    local e = i
    acc[#acc + 1] = function() return -e end
  else
    acc[#acc + 1] = i
  end
end
for i = 1, #acc do
  local a = acc[i]
  io.write(type(a) == "function" and a() or a, " ")
end
print()

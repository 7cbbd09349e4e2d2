-- Coroutines: create/resume/yield/status/wrap/running, passing values in
-- both directions, generators, errors inside coroutines, resuming dead
-- coroutines, yield across pcall, and producer/consumer pipelines.
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", d + e
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co))
print(coroutine.resume(co))

-- generator via wrap
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i, i * i) end
  end)
end
for i, sq in gen(4) do io.write(i, ":", sq, " ") end
print()

-- errors inside coroutines
local bad = coroutine.create(function() local x = nil; return x.f end)
print(coroutine.resume(bad))
print(coroutine.status(bad))
local bad2 = coroutine.create(function() error({ code = 1 }) end)
local ok, err = coroutine.resume(bad2)
print(ok, type(err), err.code)
local w = coroutine.wrap(function() error("wrapped error") end)
print(pcall(w))

-- running and main thread
local main_co, is_main = coroutine.running()
print(type(main_co), is_main)
local inner = coroutine.create(function()
  local c, m = coroutine.running()
  return type(c), m, coroutine.status(c)
end)
print(coroutine.resume(inner))

-- yield across pcall inside the coroutine (allowed in LuaJIT)
local across = coroutine.create(function()
  local ok2, v = pcall(function()
    local got = coroutine.yield("yielded inside pcall")
    error("after resume: " .. got)
  end)
  coroutine.yield(ok2, v)
  return "finished"
end)
print(coroutine.resume(across))
print(coroutine.resume(across, "value"))
print(coroutine.resume(across))

-- producer / filter / consumer
local function producer()
  return coroutine.create(function()
    for _, w2 in ipairs({ "apple", "kiwi", "banana", "fig", "cherry" }) do coroutine.yield(w2) end
  end)
end
local function filter(src)
  return coroutine.create(function()
    while true do
      local ok3, item = coroutine.resume(src)
      if not item then return end
      if #item > 3 then coroutine.yield(item:upper()) end
    end
  end)
end
local f = filter(producer())
local got = {}
while true do
  local _, item = coroutine.resume(f)
  if not item then break end
  got[#got + 1] = item
end
print(table.concat(got, " "))

-- yield from nested function calls
local function deep(n) if n == 0 then coroutine.yield("bottom") return 0 end return 1 + deep(n - 1) end
local dc = coroutine.create(deep)
print(coroutine.resume(dc, 5))
print(coroutine.resume(dc))

-- yield with many values and resume passing varargs
local echo = coroutine.wrap(function(...)
  local args = { ... }
  while true do args = { coroutine.yield(#args, unpack(args)) } end
end)
print(echo(1, 2, 3))
print(echo())
print(echo(nil, nil))

-- yield across a metamethod call (LuaJIT supports it)
local mt = { __index = function(t, k) return coroutine.yield(k) end }
local mc = coroutine.create(function() local t = setmetatable({}, mt) return t.key .. "!" end)
print(coroutine.resume(mc))
print(coroutine.resume(mc, "resumed"))

-- yield across a C boundary is an error (table.sort comparator)
local cs = coroutine.create(function()
  table.sort({ 3, 1, 2 }, function(a, b) coroutine.yield() return a < b end)
end)
print(coroutine.resume(cs))
print(pcall(coroutine.yield))
print(coroutine.resume(coroutine.create(function() end)))
print(coroutine.isyieldable and "has isyieldable" or "no isyieldable")

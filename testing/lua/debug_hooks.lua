-- debug.sethook/gethook: call, return, line and count events for nested
-- Lua calls, tail calls, C and fast functions, loops (a backward jump
-- repeats the line), hooks that are not re-entered, a hook removed from
-- inside itself, an error raised by a hook.
local events = {}
local function record(event, line)
  local info = debug.getinfo(2, "nS")
  events[#events + 1] = event .. " " .. tostring(line) .. " " .. tostring(info.name) .. " " .. info.what
end

local function leaf(x) return x + 1 end
local function middle(x)
  local y = leaf(x)
  return y * 2
end
local function tail(x) return middle(x) end

debug.sethook(record, "crl")
local r = tail(3)
local n = select("#", 1, 2)
for i = 1, 2 do
  r = r + i
end
debug.sethook()
for _, e in ipairs(events) do print(e) end
print(r, n)

-- gethook reports the function, the mask letters and the count.
print(debug.gethook())
debug.sethook(record, "lrc", 7)
local f, mask, count = debug.gethook()
debug.sethook()
print(f == record, mask, count)
debug.sethook(record, "", 0)
print(select(2, debug.gethook()), select(3, debug.gethook()))
debug.sethook()

-- Count events: every 3 instructions of this straight-line block.
local counted = 0
debug.sethook(function(event) counted = counted + 1 end, "", 3)
local a = 1
a = a + 1
a = a + 1
a = a + 1
a = a + 1
a = a + 1
debug.sethook()
print("count events", counted, a)

-- Count and line hooks together; a short loop (not hot) counted exactly.
local log = {}
debug.sethook(function(event, line) log[#log + 1] = event:sub(1, 1) .. (line or "") end, "l", 4)
local sum = 0
for i = 1, 5 do sum = sum + i end
debug.sethook()
print(sum, table.concat(log, " "))

-- Return events carry no line; line events from a loop body repeat.
events = {}
debug.sethook(function(event, line) events[#events + 1] = event .. ":" .. tostring(line) end, "lr")
for i = 1, 3 do
  local _ = i
end
debug.sethook()
print(table.concat(events, " "))

-- A hook that removes itself sees no later event.
local seen = 0
debug.sethook(function() seen = seen + 1 debug.sethook() end, "l")
local b = 1
b = b + 1
print("self-removed", seen, b)

-- A hook that raises: the error reaches the hooked code.
local ok, err = pcall(function()
  debug.sethook(function(event) debug.sethook() error("from hook") end, "l")
  local c = 1
  return c
end)
print(ok, err)

-- Hooks run on a grown stack: deep recursion inside the hook must not
-- disturb the hooked frame's slots.
local function recurse(n) if n == 0 then return 0 end return 1 + recurse(n - 1) end
local depth = 0
debug.sethook(function() depth = recurse(2000) end, "c")
local p, q, w = 1, 2, 3
local total = select("#", p, q, w) + recurse(3) + p + q + w
debug.sethook()
print("grown stack", depth, total, p, q, w)

-- The hook sees the hooked function's locals (level 2) and can change them.
local function victim()
  local v = 10
  v = v + 0
  return v
end
debug.sethook(function(event, line)
  local name, value = debug.getlocal(2, 1)
  if name == "v" and value == 10 then debug.setlocal(2, 1, 99) end
end, "l")
local changed = victim()
debug.sethook()
print("changed local", changed)

-- Hooks are global: coroutine bodies are hooked too, and the line that
-- set the hook does not fire again.
local lines = {}
debug.sethook(function(event, line) lines[#lines + 1] = event:sub(1, 1) .. tostring(line or "") end, "lcr")
local co = coroutine.wrap(function(x)
  local z = x + 1
  coroutine.yield(z)
  return z
end)
local first = co(1)
local second = co()
debug.sethook()
print(first, second, table.concat(lines, " "))

-- debug.getinfo: every option (S, l, u, n, f, L), by function and by level,
-- for Lua functions, the main chunk, C functions, builtins and coroutines;
-- the names callers give (global, local, method, field, upvalue,
-- metamethod, for iterator) and the argument errors.
local function show(t)
  if t == nil then print("nil") return end
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do
    local v = t[k]
    if type(v) == "table" then
      local lines = {}
      for l in pairs(v) do lines[#lines + 1] = l end
      table.sort(lines)
      v = "{" .. table.concat(lines, ",") .. "}"
    elseif type(v) == "function" then
      v = "fn"
    end
    out[#out + 1] = k .. "=" .. tostring(v)
  end
  print(table.concat(out, " "))
end

local function f(a, b, ...)
  local x = 1
  show(debug.getinfo(1))
  show(debug.getinfo(2, "nSl"))
  return x
end
f(1, 2)
show(debug.getinfo(f))
show(debug.getinfo(f, "L"))
show(debug.getinfo(1, "S"))
show(debug.getinfo(table.remove, "S"))
show(debug.getinfo(print, "Sl"))
print(debug.getinfo(f, "f").func == f, debug.getinfo(1, "f").func ~= nil)
print(debug.getinfo(100))
print(debug.getinfo(-1))
print(pcall(debug.getinfo, 1, "x"))
print(pcall(debug.getinfo, "a"))
print(pcall(debug.getinfo))
print(pcall(debug.getinfo, {}))
show(debug.getinfo(1, ""))

-- Names as the calling instruction sees them.
local function name_of_caller() local i = debug.getinfo(2, "n") return i.name, i.namewhat end
local function named() local i = debug.getinfo(1, "n") return (i.name or "nil") .. "/" .. i.namewhat end
glob = named
print(glob())
print(named())
local t = {m = named}
print(t:m())
print(t.m(t))
print((function() return named() end)())
local up = named
local function via_upvalue() local r = up() return r end
print(via_upvalue())
for _ in function() print("iter", named()) return nil end do end
local mt = setmetatable({}, {__index = function(_, k)
  local i = debug.getinfo(1, "n")
  return i.name .. "/" .. i.namewhat
end, __add = function()
  local i = debug.getinfo(1, "n")
  return i.name .. "/" .. i.namewhat
end})
print(mt.key, mt + 1)
print(pcall(named))
print(name_of_caller())

-- Coroutines: a thread argument reads that thread's frames.
local co = coroutine.create(function(a)
  local inside = a
  coroutine.yield(inside)
end)
coroutine.resume(co, 1)
show(debug.getinfo(co, 0, "Sln"))
show(debug.getinfo(co, 1, "Sl"))
print(debug.getinfo(co, 2))
show(debug.getinfo(co, f, "S"))

-- Chunks from strings: source and short_src.
local chunk = loadstring("return (debug.getinfo(1, 'S'))")
show(chunk())
show(loadstring("return (debug.getinfo(1, 'S'))", "=custom")())
show(loadstring("\n\nreturn (debug.getinfo(1, 'S'))", "a long chunk name that goes on and on and on and on and on")())

-- debug.getlocal/setlocal (named locals, "(*temporary)" slots, "(*vararg)",
-- loop variables, parameter names of a function, levels of coroutines)
-- and debug.getupvalue/setupvalue on Lua and C functions; argument errors.
local function locals_of(level)
  local out = {}
  for i = 1, 20 do
    local name, value = debug.getlocal(level + 1, i)
    if not name then break end
    -- Hidden and temporary slots: names only (their contents are internal).
    if name:sub(1, 1) == "(" then value = "?" elseif type(value) == "function" then value = "fn" end
    out[#out + 1] = name .. "=" .. tostring(value)
  end
  return table.concat(out, " ")
end

local function params(a, b)
  local c = a + b
  print(locals_of(1))
  do
    local inner = "in"
    print(locals_of(1))
  end
  print(locals_of(1))
  return c
end
params(1, 2)

-- Loop control variables carry LuaJIT's hidden names.
for i = 5, 5 do print(locals_of(1)) end
for k, v in pairs({x = 1}) do print(locals_of(1)) end

-- Varargs by negative index.
local function va(...)
  local first = ...
  print(debug.getlocal(1, -1))
  print(debug.getlocal(1, -2))
  print(debug.getlocal(1, -3))
  return first
end
va("p", "q")
local function no_va(x) return debug.getlocal(1, -1) end
print(no_va(1))

-- Temporaries: slots above the named locals, below the callee.
local function temps()
  local named = 1
  return (select(2, debug.getlocal(1, 1))), debug.getlocal(1, 2)
end
print(temps())
print(debug.getlocal(1, 200))
print(debug.getlocal(1, 0))

-- setlocal changes the variable in the live frame.
local function change()
  local target = "before"
  print(debug.setlocal(1, 1, "after"), target)
  print(debug.setlocal(1, 50, 1))
end
change()
local function change_caller() debug.setlocal(2, 1, "from callee") end
local function caller()
  local mine = "own"
  change_caller()
  return mine
end
print(caller())

-- Parameter names of a function (no frame needed).
print(debug.getlocal(params, 1), debug.getlocal(params, 2), debug.getlocal(params, 3))
print(debug.getlocal(print, 1))

-- Coroutine frames.
local co = coroutine.create(function(x)
  local y = x * 2
  coroutine.yield()
end)
coroutine.resume(co, 21)
print(debug.getlocal(co, 1, 1))
print(debug.getlocal(co, 1, 2))
print(debug.setlocal(co, 1, 2, "set"))
print(debug.getlocal(co, 1, 2))

-- Errors.
print(pcall(debug.getlocal, 100, 1))
print(pcall(debug.getlocal, "x", 1))
print(pcall(debug.setlocal, 1, 1))
print(pcall(debug.getlocal, 1))

-- Upvalues.
local u1, u2 = 10, "two"
local function uses() return u1, u2 end
print(debug.getupvalue(uses, 1))
print(debug.getupvalue(uses, 2))
print(debug.getupvalue(uses, 3))
print(debug.getupvalue(uses, 0))
print(debug.setupvalue(uses, 1, 11))
print(uses(), u1)
print(debug.setupvalue(uses, 9, 11))
local counter = coroutine.wrap(function() end)
print(debug.getupvalue(counter, 1) == "", type(select(2, debug.getupvalue(counter, 1))))
-- luajit's print keeps the name "tostring" as its one upvalue; pairs and
-- ipairs keep their iterator.
print(debug.getinfo(print, "u").nups, debug.getupvalue(print, 1))
print(debug.getinfo(pairs, "u").nups, debug.getupvalue(pairs, 1) == "")
print(pcall(debug.getupvalue, 1, 1))
print(pcall(debug.getupvalue, uses))
print(pcall(debug.setupvalue, uses, 1))

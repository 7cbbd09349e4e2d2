-- Global reads and writes (GGET/GSET), _G, setfenv/getfenv on functions,
-- loadstring chunks with their own environments, and globals with names
-- that shadow builtins.
GLOBAL_A = 1
GLOBAL_B = "b"
print(GLOBAL_A, GLOBAL_B, _G.GLOBAL_A, _G["GLOBAL_B"])
_G.GLOBAL_C = true
print(GLOBAL_C)
GLOBAL_A = GLOBAL_A + 1
print(GLOBAL_A, rawget(_G, "GLOBAL_A"))
print(undefined_one, type(undefined_two))

-- functions with a private environment
local function make_env_fn()
  return function() x_in_env = (x_in_env or 0) + 1 return x_in_env end
end
local fn = make_env_fn()
local env = {}
setfenv(fn, env)
print(fn(), fn(), env.x_in_env, x_in_env)
print(getfenv(fn) == env, getfenv(print) == _G, getfenv(1) == _G)

-- loadstring chunks see the globals, and can get their own environment
local chunk = loadstring("return GLOBAL_B .. '!', ...")
print(chunk("arg1"))
local sandboxed = loadstring("y = 5; return y, print")
setfenv(sandboxed, { })
print(sandboxed())
print(y)

-- compile errors from loadstring
print(loadstring("x ="))
print(type(loadstring("return 1", "=named")))
local f2, err = loadstring("local", "@chunk.lua")
print(f2, err)

-- shadowing a builtin by a local and restoring it
local saved = tostring
tostring = function(v) return "<" .. saved(v) .. ">" end
print(tostring(1))
tostring = saved
print(tostring(1))

-- _G metatable for strict globals
setmetatable(_G, {
  __index = function(_, name) return "missing:" .. name end,
  __newindex = function(t, name, v) rawset(t, name, v == nil and "NIL" or v) end,
})
print(not_there)
new_global = 7
print(rawget(_G, "new_global"))
setmetatable(_G, nil)
print(not_there)

-- the number of globals created here
local mine = {}
for name in pairs(_G) do
  if type(name) == "string" and name:match("^GLOBAL_") then mine[#mine + 1] = name end
end
table.sort(mine)
print(table.concat(mine, " "))

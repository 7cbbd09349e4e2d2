-- pcall/xpcall/error with values of every type, error levels, nested
-- pcall, errors in error handlers, rethrowing, assert with and without a
-- message, and error() with tables carrying fields.
print(pcall(error))
print(pcall(error, nil))
print(pcall(error, 42))
print(pcall(error, true))
print(pcall(error, "msg", 0))
print(pcall(error, "msg"))
local ok, e = pcall(error, { code = 7, text = "boom" })
print(ok, type(e), e.code, e.text)

local function lvl1() error("level1", 1) end
local function lvl2() error("level2", 2) end
local function call_lvl2() lvl2() end
print(pcall(lvl1))
print(pcall(call_lvl2))

-- error with a non-string value keeps its identity
local sentinel = {}
local ok2, e2 = pcall(function() error(sentinel) end)
print(ok2, e2 == sentinel)

-- nested pcall and rethrow
local function inner() error("inner failure") end
local function outer()
  local ok3, e3 = pcall(inner)
  error("outer saw: " .. e3, 0)
end
print(pcall(outer))

-- pcall returns all results on success
print(pcall(function(...) return ... end, 1, nil, 3))
print(select("#", pcall(function() end)))

-- xpcall with a traceback-free handler
print(xpcall(function() error("x1") end, function(m) return "handled: " .. m end))
print(xpcall(function() return "fine", 2 end, print))
print(xpcall(function() local t = nil; return t.x end, function(m) return string.upper(m) end))
-- error inside the handler
print(xpcall(function() error("first") end, function(m) error("second") end))

-- assert
print(pcall(assert, false))
print(pcall(assert, nil, "custom assert message"))
print(pcall(assert, 1 == 1, "unused"))
print(select("#", assert(1, 2, 3)))
local aok, aerr = pcall(assert, false, { 1 })
print(aok, type(aerr), aerr[1])

-- runtime errors with variable names
local function f_local() local x; return x.y end
local function f_global() return no_such_global.y end
local function f_field() local t = {} return t.a.b end
local function f_upval() local u; return function() return u.z end end
local function f_call() local fn; fn() end
local function f_call_global() undefined_function() end
local function f_method() local o = {} o:nomethod() end
local function f_arith() local s = {} return s + 1 end
local function f_concat() local s = {} return "a" .. s end
local function f_compare() return {} < 1 end
for _, f in ipairs({ f_local, f_global, f_field, f_upval(), f_call, f_call_global,
                     f_method, f_arith, f_concat, f_compare }) do
  print(pcall(f))
end

-- error objects that are numbers become strings with position only for strings
print(pcall(function() error(3.5) end))
print(pcall(function() error("s", 1) end))
print(pcall(function() error("s", 2) end))

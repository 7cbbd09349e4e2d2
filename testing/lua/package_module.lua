-- module(): the module table in package.loaded and as a global (dotted
-- names make nested tables), _NAME/_M/_PACKAGE, the caller's environment,
-- package.seeall and other option functions, an existing table reused,
-- name conflicts and calls from C.
package.path = "./modules/?.lua"

local legacy = require("pkg_legacy")
print(legacy.greet("you"), legacy._NAME, legacy._M == legacy, legacy._PACKAGE == "")
print(pkg_legacy == legacy, package.loaded.pkg_legacy == legacy)

-- module() from a chunk: its globals go to the module.
local chunk = loadstring([[
  module("outer.inner.leaf", package.seeall)
  function hello() return "leaf says hi, " .. type(print) end
  plain_value = 7
]])
chunk()
print(outer.inner.leaf.hello(), outer.inner.leaf.plain_value, outer.inner.leaf._PACKAGE)
print(package.loaded["outer.inner.leaf"] == outer.inner.leaf, rawget(_G, "plain_value"))

-- Without seeall the module sees no globals.
local isolated = loadstring([[
  module("isolated")
  seen = type
]])
isolated()
print(isolated ~= nil, package.loaded.isolated.seen)

-- Option functions run with the module table.
local marks = {}
loadstring([[
  module("with_options", function(m) marks_target = m end, package.seeall)
]])()
print(marks_target == nil, package.loaded.with_options._NAME)
print(rawget(package.loaded.with_options, "marks_target") == package.loaded.with_options)

-- A second module() call reuses the table and keeps its fields.
loadstring([[ module("again") first = 1 ]])()
loadstring([[ module("again") second = 2 ]])()
print(again.first, again.second)

-- package.seeall sets __index to the globals.
local t = {}
package.seeall(t)
print(getmetatable(t).__index == _G, t.print == print)
local with_mt = setmetatable({}, {})
package.seeall(with_mt)
print(getmetatable(with_mt).__index == _G)

-- Errors.
conflict = 5
print(pcall(loadstring([[ module("conflict") ]])))
not_a_table = "x"
print(pcall(loadstring([[ module("not_a_table.part") ]])))
print(pcall(module, "from_pcall"))
print(pcall(package.seeall, 1))
print(pcall(module))

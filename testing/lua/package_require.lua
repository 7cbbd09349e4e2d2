-- require and package: search along package.path (modules/ holds the
-- module files), the name passed to the chunk, results remembered in
-- package.loaded (true for none, a value the module stored), preload,
-- the loaders in their order, searchpath, loadlib, cpath, and require's
-- error messages (not found, loop, load and run errors).
package.path = "./modules/?.lua;./modules/?/init.lua;./modules/?.txt"
package.cpath = "./modules/?.so"

local plain = require("pkg_plain")
print(plain.name, plain.answer, require("pkg_plain") == plain, package.loaded.pkg_plain == plain)
print(require("pkg_nothing"), package.loaded.pkg_nothing)
print(require("pkg_stores"))
print(require("pkg"))
print(require("pkg.sub").value, pkg.sub.value, package.loaded["pkg.sub"]._NAME, package.loaded["pkg.sub"]._PACKAGE)
print(require("pkg_loop"))

-- Errors, each with the places tried.
local function try(name)
  local ok, err = pcall(require, name)
  print(ok, err)
end
try("missing_module")
try("missing.dotted")
try("pkg_broken")
try("pkg_raises")
try("pkg_raises")
print(pcall(require))
print(pcall(require, {}))

-- preload wins over files and gets the name.
package.preload.virtual = function(name) return "virtual module " .. name end
print(require("virtual"))
package.preload.pkg_plain2 = function() return "preloaded" end
print(require("pkg_plain2"))

-- The loaders: preload, Lua, C, all-in-one; a custom one appended.
print(#package.loaders)
for i, loader in ipairs(package.loaders) do
  local found = loader("missing.thing")
  print(i, type(found), type(found) == "string" and found or "")
end
table.insert(package.loaders, function(name)
  if name == "custom" then return function() return "from custom loader" end end
  return "\n\tno custom '" .. name .. "'"
end)
print(require("custom"))
try("nowhere")
table.remove(package.loaders)

-- searchpath.
print(package.searchpath("pkg_plain", package.path))
print(package.searchpath("a.b.c", "./x/?.lua;./y/?.lua"))
print(package.searchpath("a_b", "./?.z", "_", "-"))
-- (package.loadlib is left out: luajit really calls dlopen, ljit loads no C.)
print(type(package.config), #package.config)

-- Bad package fields are named in the error.
local saved = package.path
package.path = nil
try("needs_path")
package.path = saved
local saved_loaders = package.loaders
package.loaders = nil
try("needs_loaders")
package.loaders = saved_loaders
print(require("string") == string, require("_G") == _G)
print(require(42 == 42 and "pkg_plain") == plain)

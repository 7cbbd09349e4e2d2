-- A Lua 5.1 module() module with package.seeall.
module("pkg_legacy", package.seeall)
function greet(who) return "hello " .. who .. " from " .. _NAME end

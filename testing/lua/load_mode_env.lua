-- load/loadstring/loadfile with LuaJIT 2.1's mode and environment arguments.
x = 3
print(load("return 1", "n", "b"))
print(loadstring(string.dump(function() return 2 end), "d", "t"))
print(loadstring("return 1", "n", "q"))
print(loadstring("return 1", "n", "bt")())
print(loadstring(string.dump(function() return 2 end), "d", "b")())
print(load("return x", "n", "t", {x = 5})())
print(loadstring("return x", "n", "t", {x = 6})())
print(load("return x", "n", "t", nil)())
print(pcall(load, "return 1", "n", 5))
print(load("return x", "n", "t", 5)())
print(pcall(load, "return 1", "n", {}))
local parts = {"return ", "x"}
local i = 0
print(load(function() i = i + 1 return parts[i] end, "r", "t", {x = 7})())
local f = loadstring(string.dump(loadstring("return 1"), true))
print(debug.getinfo(f).what, debug.getinfo(f).linedefined, debug.getinfo(f).lastlinedefined)
local g = loadstring(string.dump(loadstring("return 1")))
print(debug.getinfo(g).what, debug.getinfo(g).linedefined, debug.getinfo(g).lastlinedefined)
print(debug.getinfo(1).what)
print(debug.getinfo(loadstring("")).what)

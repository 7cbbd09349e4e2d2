-- A character that starts no token of Lua.
local x = 1 @ 2

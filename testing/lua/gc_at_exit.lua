-- Closing the state runs every pending __gc finalizer, newest first;
-- one that fails does not stop the others (lua_close).
local p = newproxy(true)
getmetatable(p).__gc = function() print("gc ran") end
local q = newproxy(true)
getmetatable(q).__gc = function() error("in gc") end
local r = newproxy(true)
getmetatable(r).__gc = function() print("gc r ran") end
print("end of main")

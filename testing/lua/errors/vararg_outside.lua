-- '...' inside a function that has no varargs.
local function f() return ... end

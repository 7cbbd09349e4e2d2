-- A call whose '(' starts a new line (Lua 5.1 rejects this).
local f = print
(f)("x")

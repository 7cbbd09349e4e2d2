-- '=' where an expression must start.
local x = = 1

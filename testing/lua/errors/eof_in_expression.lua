-- A binary operator with nothing after it.
local x = 1 +
-- An assignment target followed by a value without '='.
local t = {}
t.x 1

-- '0x' with no hex digits.
local x = 0x

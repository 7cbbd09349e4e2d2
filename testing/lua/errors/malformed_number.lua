-- A number glued to letters.
local x = 3x

-- A method reference that is not called.
local x = a:b

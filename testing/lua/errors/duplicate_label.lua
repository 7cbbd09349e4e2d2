-- The same label twice in one block.
::again::
local x = 1
::again::

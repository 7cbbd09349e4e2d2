-- A binary literal (LuaJIT extension) with a digit 2.
local x = 0b102

-- A string literal that runs into the end of the file.
local s = "abc
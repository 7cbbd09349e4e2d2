-- A table constructor running into the end of the file.
local t = { 1, 2
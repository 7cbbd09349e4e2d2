-- A decimal escape above 255.
local s = "\256"

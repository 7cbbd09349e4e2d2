-- '\x' must be followed by two hex digits.
local s = "\xZZ"

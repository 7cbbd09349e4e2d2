-- Two decimal points read as one malformed numeral.
local x = 1.2.3

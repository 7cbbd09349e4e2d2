-- An exponent without digits.
local x = 1e+

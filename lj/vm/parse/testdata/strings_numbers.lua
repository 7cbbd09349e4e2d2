-- lexer forms: escapes, long strings, numbers in every base.
local s1 = "tab\tnewline\nquote\"backslash\\"
local s2 = 'single \'quoted\' \65\066\0671'
local s3 = "\x41\x62\u{48}\u{20AC}\u{10FFFF}\z
            continued"
local s4 = [[
long string
with ]] .. [==[ nested ]] ]==]
local s5 = "a very long string constant that is longer than forty characters in total"
local s6 = "\0\1\2\127\r\a\b\f\v"
local n1, n2, n3, n4 = 0x10, 0xA.8p1, 1e10, .5
local n5, n6, n7 = 0b1011, 3., 1E-3
local n8 = 0x7fffffff + 1
local n9 = 32767, 32768, -32768, -32769
local n10 = 2^31, 2^53, 1/0, -1/0, 0/0, -0
local n11 = 5 % 3, -5 % 3, 5.5 % -2, 2^0.5, 7 / 2
--[[ long
comment ]] --[==[ another ]==]
-- short comment
return s1, s2, s3, s4, s5, s6, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11

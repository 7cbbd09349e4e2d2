-- String constants around jit.bc's 40-character cut in `-bl` listings:
-- the test is on the raw length, the cut on the escaped text, so a
-- 39-byte string with control characters is listed in full.
local short_with_controls = "0123456789012345678901234567890\t\r\n\0abc"
local exactly_forty = "0123456789012345678901234567890123456789"
local forty_one = "01234567890123456789012345678901234567890"
local controls = "\1\2\3\4\5\6\7\8\9\10\11\12\13\14\127"
print(#short_with_controls, #exactly_forty, #forty_one, #controls)
print(short_with_controls:byte(-5, -1))

-- '\u{...}' above 0x10FFFF.
local s = "\u{110000}"

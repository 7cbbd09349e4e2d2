-- LuaJIT-only string escapes: \xXX, \z (skip following whitespace) and
-- \u{XXXX} (UTF-8 encoding), plus every Lua 5.1 escape. Bytes are printed as
-- numbers so the output is plain ASCII.
local function bytes(s)
  local out = {}
  for i = 1, #s do out[i] = string.byte(s, i) end
  return #s .. ":" .. table.concat(out, ",")
end

print(bytes("\a\b\f\n\r\t\v\\\"\'"))
print(bytes("\0\1\12\123\255"))
print(bytes("\x00\x41\x7a\xFF\xaB"))
print(bytes("\u{41}\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"))
print(bytes("\u{0000041}"))
print(bytes("a\z
             b\z    c"))
print(bytes("line1\
line2"))
print(bytes('single \'quoted\' "double"'))
print(bytes("\0651"))
print(bytes("tab\tend"))
print("\x48\x65\x6c\x6c\x6f\x2c\x20\u{57}orld")
print(#"\u{10FFFF}", #"\u{FFFF}", #"\u{7FF}", #"\u{7F}")

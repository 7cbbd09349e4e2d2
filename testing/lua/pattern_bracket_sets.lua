-- [set] classes computed whole (lj/vm/strlib's bracket_set): for sets
-- covering every item kind and edge (a leading ']', '^', ranges across the
-- 64-byte words and the 128 boundary, reversed and one-byte ranges, a '-'
-- first or last, escapes inside, %z, byte 255; a pattern ends at a NUL, so
-- byte 0 is %z), print which of the 256 bytes each set matches, then use
-- the sets as first items, under quantifiers and after other items in
-- find/match/gmatch/gsub.
local sets = {
  "[a]", "[^a]", "[]]", "[^]]", "[]a]", "[a-]", "[-a]", "[^-]", "[a-z]", "[z-a]",
  "[a-a]", "[%a]", "[^%a%d]", "[%]]", "[%-]", "[%%]", "[%z]", "[^%z]", "[%Z]",
  "[%z\1-\31]", "[\255]", "[\63-\64]", "[\64-\65]", "[\127-\128]",
  "[\128-\255]", "[\1-\254]", "[^\1-\255]", "[%s%p]", "[%W_]", "[^ \t\r\n]",
  '[%c"\\]', "[a-c-e]", "[%a-z]", "[.]", "[^^]", "[x^]", "[%x-]", "[A-Z0-9_%.]",
}
local all = {}
for c = 0, 255 do all[#all + 1] = string.char(c) end
all = table.concat(all)

-- Which bytes a set matches, as ranges of byte values.
local function members(set)
  local ranges, start = {}, nil
  for c = 0, 256 do
    local hit = c < 256 and string.find(all, set, c + 1) == c + 1
    if hit and not start then start = c end
    if not hit and start then
      ranges[#ranges + 1] = start == c - 1 and tostring(start) or start .. "-" .. (c - 1)
      start = nil
    end
  end
  return table.concat(ranges, ",")
end

local function show(s) return (string.gsub(s, "[%c\128-\255]", function(c) return "\\" .. string.byte(c) end)) end

for _, set in ipairs(sets) do
  print(show(set), members(set))
end

local subject = "Hello, World! x-y_z ]]^^ 0x1F\t\r\n\0" .. string.char(255, 128) .. " end"
for _, set in ipairs(sets) do
  local out = {}
  out[#out + 1] = tostring(string.find(subject, set))
  out[#out + 1] = tostring(string.find(subject, set .. "+", 3))
  out[#out + 1] = tostring(string.match(subject, "(" .. set .. "*)(.)"))
  out[#out + 1] = tostring(string.match(subject, "^.-(" .. set .. "-)" .. set .. "?$"))
  out[#out + 1] = tostring(string.match(subject, "%s" .. set))
  local n = 0
  for w in string.gmatch(subject, set .. "+") do n = n + #w end
  out[#out + 1] = n
  local g, k = string.gsub(subject, set, "<%0>")
  out[#out + 1] = show(g) .. "/" .. k
  print(show(set), show(table.concat(out, " ")))
end

-- Malformed sets still report when matching reaches them.
for _, bad in ipairs({ "[a", "[^", "[%", "[]", "x[a" }) do
  print(bad, pcall(string.find, "xyz", bad))
end
print(string.find("abc", "x[a"))  -- never reaches the broken set

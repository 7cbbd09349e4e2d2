-- json: encode a generated document to JSON text and decode it back with a
-- recursive-descent parser, repeatedly; the re-encoded text must equal the
-- first encoding. Object keys are written sorted so the text is deterministic.
-- Stresses string building (buffers + concat), byte/find/sub scanning,
-- escape handling and table construction.
-- N: the number of encode+decode round trips (default 80).
local N = tonumber(arg and arg[1]) or 80

local byte, char, sub, find, format, gsub = string.byte, string.char, string.sub, string.find, string.format, string.gsub
local concat, sort = table.concat, table.sort
local type, pairs, ipairs, tonumber, error = type, pairs, ipairs, tonumber, error
local NULL = setmetatable({}, { __tostring = function() return "null" end })

---------------------------------------------------------------- encoder
local ESCAPES = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
-- Other control characters use the \u00XX form.
for c = 0, 31 do
  local ch = char(c)
  if not ESCAPES[ch] then ESCAPES[ch] = format("\\u%04x", c) end
end

local encode_value

-- Arrays are tables with a positive length; anything else is an object.
local function encode_table(t, buf)
  local n = #t
  if n > 0 then
    buf[#buf + 1] = "["
    for i = 1, n do
      if i > 1 then buf[#buf + 1] = "," end
      encode_value(t[i], buf)
    end
    buf[#buf + 1] = "]"
    return
  end
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  sort(keys)
  buf[#buf + 1] = "{"
  for i, k in ipairs(keys) do
    if i > 1 then buf[#buf + 1] = "," end
    buf[#buf + 1] = '"' .. gsub(k, '[%c"\\]', ESCAPES) .. '":'
    encode_value(t[k], buf)
  end
  buf[#buf + 1] = "}"
end

function encode_value(v, buf)
  local kind = type(v)
  if kind == "string" then
    buf[#buf + 1] = '"' .. gsub(v, '[%c"\\]', ESCAPES) .. '"'
  elseif kind == "number" then
    buf[#buf + 1] = format("%.14g", v)
  elseif kind == "boolean" then
    buf[#buf + 1] = v and "true" or "false"
  elseif v == NULL then
    buf[#buf + 1] = "null"
  else
    encode_table(v, buf)
  end
end

local function encode(v)
  local buf = {}
  encode_value(v, buf)
  return concat(buf)
end

---------------------------------------------------------------- decoder
local decode_value
local UNESCAPES = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/" }

-- Skip whitespace; return the position of the next significant byte.
local function skip(s, pos)
  return find(s, "[^ \t\r\n]", pos) or #s + 1
end

-- Parse a string starting at the opening quote; return it and the next position.
local function decode_string(s, pos)
  local parts, start = {}, pos + 1
  while true do
    local q = find(s, '["\\]', start)
    if not q then error("unterminated string at " .. pos) end
    parts[#parts + 1] = sub(s, start, q - 1)
    if byte(s, q) == 34 then return concat(parts), q + 1 end
    local e = sub(s, q + 1, q + 1)
    if e == "u" then
      parts[#parts + 1] = char(tonumber(sub(s, q + 2, q + 5), 16))
      start = q + 6
    else
      parts[#parts + 1] = UNESCAPES[e] or error("bad escape at " .. q)
      start = q + 2
    end
  end
end

local function decode_array(s, pos)
  local arr, n = {}, 0
  pos = skip(s, pos + 1)
  if byte(s, pos) == 93 then return arr, pos + 1 end
  while true do
    local v
    v, pos = decode_value(s, pos)
    n = n + 1
    arr[n] = v
    pos = skip(s, pos)
    local c = byte(s, pos)
    if c == 93 then return arr, pos + 1 end
    if c ~= 44 then error("expected ',' or ']' at " .. pos) end
    pos = skip(s, pos + 1)
  end
end

local function decode_object(s, pos)
  local obj = {}
  pos = skip(s, pos + 1)
  if byte(s, pos) == 125 then return obj, pos + 1 end
  while true do
    if byte(s, pos) ~= 34 then error("expected key at " .. pos) end
    local key, v
    key, pos = decode_string(s, pos)
    pos = skip(s, pos)
    if byte(s, pos) ~= 58 then error("expected ':' at " .. pos) end
    v, pos = decode_value(s, skip(s, pos + 1))
    obj[key] = v
    pos = skip(s, pos)
    local c = byte(s, pos)
    if c == 125 then return obj, pos + 1 end
    if c ~= 44 then error("expected ',' or '}' at " .. pos) end
    pos = skip(s, pos + 1)
  end
end

-- Dispatch on the first byte of a value.
function decode_value(s, pos)
  local c = byte(s, pos)
  if c == 34 then return decode_string(s, pos) end
  if c == 123 then return decode_object(s, pos) end
  if c == 91 then return decode_array(s, pos) end
  if c == 116 and sub(s, pos, pos + 3) == "true" then return true, pos + 4 end
  if c == 102 and sub(s, pos, pos + 4) == "false" then return false, pos + 5 end
  if c == 110 and sub(s, pos, pos + 3) == "null" then return NULL, pos + 4 end
  local _, e = find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
  if not e then error("unexpected character at " .. pos) end
  return tonumber(sub(s, pos, e)), e + 1
end

local function decode(s)
  local v, pos = decode_value(s, skip(s, 1))
  if skip(s, pos) <= #s then error("trailing garbage at " .. pos) end
  return v
end

---------------------------------------------------------------- document
-- A catalogue of records with nested tags, numbers, flags and awkward strings.
local function make_document(records)
  local seed = 99
  local function rand(n)
    seed = (seed * 16807) % 2147483647
    return seed % n
  end
  local items = {}
  for i = 1, records do
    local tags = {}
    for t = 1, rand(5) + 1 do tags[t] = "tag" .. rand(50) end
    items[i] = {
      id = i,
      name = format("item \"%d\"\twith\\escapes\n", i),
      price = rand(100000) / 100,
      ratio = rand(1000000) / 7,
      available = rand(2) == 1,
      discontinued = NULL,
      tags = tags,
      dims = { w = rand(300), h = rand(300), unit = "mm" },
      note = i % 10 == 0 and ("control\1char " .. i) or "",
    }
  end
  return { version = 3, generator = "lj bench", items = items, empty = {} }
end

local doc = make_document(1000)
local text = encode(doc)
local items = 0
for _ = 1, N do
  local back = decode(text)
  items = items + #back.items
  local again = encode(back)
  if again ~= text then error("round trip changed the text") end
end
-- Checksum the text with a rolling hash over every 13th byte.
local hash = 0
for i = 1, #text, 13 do hash = (hash * 31 + byte(text, i)) % 2147483647 end
print(format("json: %d bytes, %d round trips, %d items, hash %d", #text, N, items, hash))
print(sub(text, 1, 72))

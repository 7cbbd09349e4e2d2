-- A small JSON decoder and encoder (recursive descent over a string with
-- string.find/sub/byte), round-tripping a document and reporting decode
-- errors with positions. Object keys are emitted sorted.
local decode
local function skip(s, i) return (s:find("[^ \t\r\n]", i)) or #s + 1 end
local escapes = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
local function decode_string(s, i)
  local out, j = {}, i + 1
  while true do
    local c = s:sub(j, j)
    if c == "" then error("unterminated string at " .. i, 0) end
    if c == '"' then return table.concat(out), j + 1 end
    if c == "\\" then
      local e = s:sub(j + 1, j + 1)
      if e == "u" then
        local code = tonumber(s:sub(j + 2, j + 5), 16)
        out[#out + 1] = code < 128 and string.char(code) or "?"
        j = j + 6
      else
        out[#out + 1] = escapes[e] or error("bad escape at " .. j, 0)
        j = j + 2
      end
    else
      out[#out + 1] = c
      j = j + 1
    end
  end
end
local function decode_value(s, i)
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == "{" then
    local obj = {}
    i = skip(s, i + 1)
    if s:sub(i, i) == "}" then return obj, i + 1 end
    while true do
      local key
      key, i = decode_string(s, skip(s, i))
      i = skip(s, i)
      if s:sub(i, i) ~= ":" then error("expected ':' at " .. i, 0) end
      obj[key], i = decode_value(s, i + 1)
      i = skip(s, i)
      local d = s:sub(i, i)
      if d == "}" then return obj, i + 1 end
      if d ~= "," then error("expected ',' or '}' at " .. i, 0) end
      i = i + 1
    end
  elseif c == "[" then
    local arr = {}
    i = skip(s, i + 1)
    if s:sub(i, i) == "]" then return arr, i + 1 end
    while true do
      arr[#arr + 1], i = decode_value(s, i)
      i = skip(s, i)
      local d = s:sub(i, i)
      if d == "]" then return arr, i + 1 end
      if d ~= "," then error("expected ',' or ']' at " .. i, 0) end
      i = i + 1
    end
  elseif c == '"' then
    return decode_string(s, i)
  elseif s:find("^true", i) then return true, i + 4
  elseif s:find("^false", i) then return false, i + 5
  elseif s:find("^null", i) then return nil, i + 4
  else
    local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
    if not num or num == "" then error("unexpected '" .. c .. "' at " .. i, 0) end
    return tonumber(num), i + #num
  end
end
function decode(s)
  local v, i = decode_value(s, 1)
  i = skip(s, i)
  if i <= #s then error("trailing garbage at " .. i, 0) end
  return v
end
local function encode(v)
  local t = type(v)
  if t == "nil" then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then return string.format("%.14g", v) end
  if t == "string" then return '"' .. v:gsub('[%c"\\]', function(ch) return string.format("\\u%04x", ch:byte()) end) .. '"' end
  if #v > 0 or next(v) == nil then
    local parts = {}
    for i = 1, #v do parts[i] = encode(v[i]) end
    return "[" .. table.concat(parts, ",") .. "]"
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = encode(k) .. ":" .. encode(v[k]) end
  return "{" .. table.concat(parts, ",") .. "}"
end
local doc = [==[
{ "name": "lj", "version": 2.1, "tags": ["jit", "lua", "c++"],
  "nested": { "ok": true, "no": false, "nothing": null, "list": [1, -2.5, 3e2, []] },
  "escaped": "line\nbreak \"quoted\" \u0041" }
]==]
local v = decode(doc)
print(encode(v))
print(v.name, v.version, #v.tags, v.nested.list[3], v.escaped)
print(encode(decode(encode(v))) == encode(v))
for _, bad in ipairs({ "{", "[1,]", '{"a" 1}', "tru", '"open', "[1] x", "{}" }) do
  print(bad, pcall(function() return encode(decode(bad)) end))
end

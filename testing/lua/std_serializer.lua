-- A deterministic serializer for nested tables (keys sorted by type then
-- value), with cycle detection, string quoting through %q and round trip
-- through loadstring. Pure Lua 5.1.
local function sort_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys
end
local function serialize(v, seen, indent)
  seen = seen or {}
  indent = indent or ""
  local tv = type(v)
  if tv == "string" then return string.format("%q", v) end
  if tv == "number" or tv == "boolean" or tv == "nil" then return tostring(v) end
  if tv ~= "table" then error("cannot serialize a " .. tv) end
  if seen[v] then error("cycle detected") end
  seen[v] = true
  local parts = {}
  local inner = indent .. "  "
  for _, k in ipairs(sort_keys(v)) do
    local key
    if type(k) == "string" and k:match("^[%a_][%w_]*$") then key = k
    else key = "[" .. serialize(k, seen, inner) .. "]" end
    parts[#parts + 1] = inner .. key .. " = " .. serialize(v[k], seen, inner)
  end
  seen[v] = nil
  if #parts == 0 then return "{}" end
  return "{\n" .. table.concat(parts, ",\n") .. "\n" .. indent .. "}"
end
local data = {
  name = "config", version = 3, enabled = true, ratio = 0.75,
  list = { 1, 2, 3, "four" },
  nested = { deep = { deeper = { "bottom" } }, ["key with spaces"] = "v" },
  [10] = "ten", [2.5] = "frac", quote = 'say "hi"\n',
}
local text = serialize(data)
print(text)
local back = loadstring("return " .. text)()
print(serialize(back) == text, back.nested.deep.deeper[1], back[2.5], back.quote == data.quote)
local cyclic = {}
cyclic.self = cyclic
print(pcall(serialize, cyclic))
print(pcall(serialize, { f = print }))

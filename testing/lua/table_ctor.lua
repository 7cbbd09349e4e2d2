-- Table constructors: empty (TNEW), constant templates (TDUP) with array and
-- hash parts, mixed constant and variable entries, explicit [k]=v keys,
-- trailing calls and varargs (TSETM), separators `,` and `;`, nesting.
local function keys_sorted(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) end
  table.sort(ks)
  return table.concat(ks, ",")
end
local function dump(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b)
    if type(a) == type(b) then return a < b end
    return type(a) == "number"
  end)
  local out = {}
  for _, k in ipairs(ks) do
    local v = t[k]
    out[#out + 1] = tostring(k) .. "=" .. (type(v) == "table" and "{" .. dump(v) .. "}" or tostring(v))
  end
  return table.concat(out, " ")
end

local empty = {}
local arr = { 1, 2, 3, "four", 5.5, true, false }
local hash = { a = 1, b = "two", c = true, ["d e"] = 4 }
local mixed = { 1, 2, x = "x", 3, [10] = 10, y = false, [1.5] = "f", [-1] = "neg" }
local nested = { { 1, 2 }, { a = { b = { c = "deep" } } }, n = { 3 } }
print(#empty, dump(arr))
print(dump(hash))
print(dump(mixed))
print(dump(nested))

-- variable values inside a template
local v, w = "var", 42
local tv = { v, w, k = v, [w] = "answer", 7, nil, 9 }
print(dump(tv))

-- trailing call and varargs expand; non-trailing ones are truncated
local function three() return "a", "b", "c" end
local t1 = { three() }
local t2 = { three(), three() }
local t3 = { three(), "x" }
local t4 = { (three()) }
local t5 = { 0, three(), [100] = 1 }
print(#t1, #t2, #t3, #t4, dump(t5))
local function va(...) return { ... }, { 1, ... }, { ..., 1 }, { n = 1, ... } end
local a1, a2, a3, a4 = va("p", "q")
print(dump(a1), "|", dump(a2), "|", dump(a3), "|", dump(a4))

-- separators and trailing separator
local sep = { 1; 2, 3; x = 1, }
print(dump(sep))

-- large constructors (array part > 255, hash > 255 entries need big sizes)
local big = {
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
  21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
}
print(#big, big[1], big[40])

-- keys that look like array indices but are given explicitly
local explicit = { [1] = "a", [2] = "b", [3] = "c" }
print(#explicit, explicit[2], keys_sorted(explicit))

-- constructor with function values and method-call values
local obj = { f = function(self) return self.n end, n = 3 }
local holder = { obj:f(), obj.f(obj), len = #"abc" }
print(dump(holder))

-- nil and NaN keys are errors only when stored at run time
print(pcall(function() local k return { [k] = 1 } end))
print(pcall(function() local k = 0 / 0 return { [k] = 1 } end))

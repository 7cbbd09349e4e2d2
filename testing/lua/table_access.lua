-- Table reads and writes in every operand form: TGETS/TSETS (string
-- constant key), TGETB/TSETB (small integer constant key 0..255), TGETV/TSETV
-- (key in a register, including large integers, negatives, floats and
-- strings not fitting the constant-key forms), and # (LEN).
local t = {}
t.name = "n"                 -- TSETS
t[1] = "one"                 -- TSETB
t[255] = "b255"              -- TSETB, largest byte key
t[256] = "v256"              -- TSETV (key too big for B)
t[0] = "zero"                -- TSETB
t[-1] = "minus"              -- TSETV
t[1.5] = "float"             -- TSETV
t["with space"] = "ws"       -- TSETS
local k = "dyn"
t[k] = "dynamic"             -- TSETV with string in register
t[true] = "bool"
print(t.name, t[1], t[255], t[256], t[0], t[-1], t[1.5], t["with space"], t[k], t.dyn, t[true])

-- reads through locals, upvalues and nested fields
local nested = { a = { b = { c = { 1, 2, 3 } } } }
print(nested.a.b.c[2], nested["a"]["b"].c[3], #nested.a.b.c)
local function get(i) return nested.a.b.c[i] end
print(get(1), get(3), get(4))

-- computed keys
local arr = {}
for i = 1, 10 do arr[i] = i * i end
for i = 1, 10, 3 do io.write(arr[i], " ") end
print(#arr)
local key = 2
arr[key + 1] = "three"
arr[key * 5] = "ten"
print(arr[3], arr[10], arr[key + 1])

-- integer-valued float keys normalise to integers
local f = {}
f[2.0] = "two"
f[2^53] = "big"
print(f[2], f[2^53], f[9007199254740992])

-- assigning nil removes; # of arrays with a trailing nil
local h = { 1, 2, 3 }
h[3] = nil
print(#h)
h[#h + 1] = "x"
print(#h, h[3])

-- string keys vs number keys are distinct
local s = {}
s["1"] = "string one"
s[1] = "number one"
print(s["1"], s[1])

-- indexing non-tables
print(pcall(function() local x = nil return x.field end))
print(pcall(function() local x = 5 return x[1] end))
print(pcall(function() local x = nil x.y = 1 end))
print(pcall(function() return undefined_global.field end))
print(pcall(function() local x = { y = {} } return x.y.z.w end))
print(type(("abc").len), #"abc", ("abc")[1])

-- Concatenation (CAT over a register range, right associativity, numbers
-- coerced, long chains, mixed with other operators) and the length operator
-- (LEN) on strings and tables with holes only at the end.
local a, b, c = "a", "b", "c"
print(a .. b .. c, a .. (b .. c), (a .. b) .. c)
print(1 .. 2, 1.5 .. "|" .. -3, 2^53 .. "", 1e100 .. "")
local n = 5
print("n=" .. n .. ", n+1=" .. n + 1 .. ", n*2=" .. n * 2)
print("x" .. "y" == "xy", #("ab" .. "cd"), ("ab" .. "cd"):upper())

-- long concatenation chain uses one CAT over many registers
local s = a .. b .. c .. a .. b .. c .. a .. b .. c .. a .. b .. c .. a .. b .. c .. a .. b .. c
print(s, #s)

-- concatenation in a loop
local buf = ""
for i = 1, 10 do buf = buf .. i .. (i < 10 and "," or "") end
print(buf)

-- concatenation of call results and table fields
local t = { first = "John", last = "Doe" }
local function title() return "Mr" end
print(title() .. ". " .. t.first .. " " .. t.last)

-- errors name the offending operand
print(pcall(function() local x = nil return "a" .. x end))
print(pcall(function() return "a" .. {} .. "b" end))
print(pcall(function() local tt = {} return tt.missing .. "x" end))
print(pcall(function() return "a" .. true end))

-- length of strings and tables
print(#"", #"abc", #"\0\0", #a, #(a .. b))
print(#{}, #{ 1, 2, 3 }, #{ 1, 2, nil }, #{ n = 3 }, #{ [1] = 1, [2] = 2 })
local grow = {}
for i = 1, 100 do grow[i] = i end
print(#grow)
grow[#grow] = nil
print(#grow)
local lenfn = function(x) return #x end
print(lenfn("hello"), lenfn({ 1, 2 }))
print(pcall(function() local x = 5 return #x end))
print(pcall(function() return #nil end))

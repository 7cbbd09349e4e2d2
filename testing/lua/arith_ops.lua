-- Every arithmetic opcode form: variable op constant (ADDVN ... MODVN),
-- constant op variable (ADDNV ... MODNV), variable op variable (ADDVV ...
-- MODVV), POW and UNM, on integers, fractions and negatives.
local function row(x, y)
  local r = {}
  r[#r + 1] = x + 3
  r[#r + 1] = x - 3
  r[#r + 1] = x * 3
  r[#r + 1] = x / 4
  r[#r + 1] = x % 3
  r[#r + 1] = 3 + x
  r[#r + 1] = 3 - x
  r[#r + 1] = 3 * x
  r[#r + 1] = 3 / x
  r[#r + 1] = 3 % x
  r[#r + 1] = x + y
  r[#r + 1] = x - y
  r[#r + 1] = x * y
  r[#r + 1] = x / y
  r[#r + 1] = x % y
  r[#r + 1] = x ^ y
  r[#r + 1] = x ^ 2
  r[#r + 1] = 2 ^ x
  r[#r + 1] = -x
  r[#r + 1] = -(x + y)
  for i = 1, #r do r[i] = string.format("%.14g", r[i]) end
  return table.concat(r, " ")
end

print(row(7, 2))
print(row(-7, 2))
print(row(7.5, -2))
print(row(1, 3))
print(row(100, 0.5))

-- Constants that do not fit in 8 bits still work (KNUM operand in register).
local x = 1000
print(x + 255, x + 256, x - 1000.5, x * 1e6, x / 1e3, x % 257)
print(255 + x, 256 - x, 1e6 * x, 1e3 / x, 257 % x)

-- String coercion in arithmetic.
print("10" + 5, "3" * "4", 10 - "2.5", "0x10" + 0, -"2")

-- Arithmetic on metatable-less non-numbers raises errors.
print(pcall(function() local t = {} return t + 1 end))
print(pcall(function() local s = "abc" return s * 2 end))

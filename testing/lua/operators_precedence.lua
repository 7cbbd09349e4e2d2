-- Operator precedence and associativity of Lua 5.1: or < and < comparison
-- < .. (right) < + - < * / % < unary (not # -) < ^ (right), checked on
-- variables so nothing is constant-folded, and on constants so folding must
-- respect the same rules.
local x, y, z = 2, 3, 4
print(x + y * z, (x + y) * z, x * y + z, x - y - z, x - (y - z))
print(x ^ y ^ 2, (x ^ y) ^ 2, -x ^ 2, (-x) ^ 2, -x ^ -y)
print(x / y * z, x / (y * z), z % y * x, x * z % y)
print(2 + 3 * 4, (2 + 3) * 4, 2 ^ 3 ^ 2, -2 ^ 2, 2 * 3 % 4, 10 / 2 / 5)
print("a" .. "b" == "ab", 1 .. 2 == "12", x .. y + z)
print(x < y == true, not x == nil, not (x == nil), #"abc" + 1, -#"ab")
print(x < y and y < z, x > y or y > z, x < y and "yes" or "no")
print(nil or false and 1, false or nil, 1 and nil or 2, nil and nil or "last")
print(not nil and 1, not 1 or 2, not not x)
print(1 + -2, 1 - -2, - -2, 2 - - - 2)
print(x .. y .. z, x + y .. z, x .. y + z)
print(2 ^ -1, -2 ^ -2, 2 ^ - 2 ^ 2)
local t = { n = 5 }
print(-t.n ^ 2, #"xyz" * 2 ^ 2, not t.n == false)
print(x == 2 and y == 3 and z == 4, x ~= 2 or y ~= 3)
print(1 < 2 == (2 < 3), "b" > "a" == not ("b" <= "a"))

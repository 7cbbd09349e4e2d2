-- Recursion: fib (naive and memoised), Ackermann, Hanoi, mutual recursion,
-- permutations, a recursive descent evaluator and deep recursion caught as a
-- stack overflow.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20), fib(1), fib(0))

local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(2, 3), ack(3, 3))

local moves = {}
local function hanoi(n, from, to, via)
  if n == 0 then return 0 end
  local c = hanoi(n - 1, from, via, to)
  if #moves < 7 then moves[#moves + 1] = from .. to end
  return c + 1 + hanoi(n - 1, via, to, from)
end
print(hanoi(10, "A", "C", "B"), table.concat(moves, " "))

local function perms(a, n, out)
  n = n or #a
  out = out or {}
  if n <= 1 then out[#out + 1] = table.concat(a) return out end
  for i = 1, n do
    a[n], a[i] = a[i], a[n]
    perms(a, n - 1, out)
    a[n], a[i] = a[i], a[n]
  end
  return out
end
local ps = perms({ "a", "b", "c" })
table.sort(ps)
print(#ps, table.concat(ps, " "))

-- recursive descent: expressions with + - * / and parentheses
local function evaluate(src)
  local pos = 1
  local function peek() return src:sub(pos, pos) end
  local expr
  local function atom()
    if peek() == "(" then
      pos = pos + 1
      local v = expr()
      pos = pos + 1
      return v
    end
    local num = src:match("^%d+", pos)
    pos = pos + #num
    return tonumber(num)
  end
  local function term()
    local v = atom()
    while peek() == "*" or peek() == "/" do
      local op = peek()
      pos = pos + 1
      local rhs = atom()
      if op == "*" then v = v * rhs else v = v / rhs end
    end
    return v
  end
  function expr()
    local v = term()
    while peek() == "+" or peek() == "-" do
      local op = peek()
      pos = pos + 1
      local rhs = term()
      if op == "+" then v = v + rhs else v = v - rhs end
    end
    return v
  end
  return expr()
end
print(evaluate("1+2*3"), evaluate("(1+2)*3"), evaluate("100/(2+3)-4*(1+1)"))

-- infinite recursion is caught
local function runaway(n) return 1 + runaway(n + 1) end
-- Only the message's tail is printed: its position differs between JIT on
-- and off (luajit reports "stack overflow" without a position under -joff).
local ok, err = pcall(runaway, 1)
print(ok, (tostring(err):match("stack overflow$")))

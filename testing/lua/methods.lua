-- Method calls o:m(...) and method definitions function o:m(), including
-- method calls on strings, chained calls, methods with varargs and calls
-- whose receiver is an expression.
local Account = {}
Account.__index = Account

function Account.new(owner, balance)
  return setmetatable({ owner = owner, balance = balance or 0 }, Account)
end

function Account:deposit(v) self.balance = self.balance + v return self end
function Account:withdraw(v)
  if v > self.balance then error("insufficient funds", 2) end
  self.balance = self.balance - v
  return self
end
function Account:report(...)
  local extra = table.concat({ ... }, ",")
  return string.format("%s: %d [%s]", self.owner, self.balance, extra)
end

local acc = Account.new("ann", 100)
acc:deposit(50):withdraw(30):deposit(5)
print(acc:report())
print(acc:report("a", "b", 3))
print(pcall(acc.withdraw, acc, 1000))
print(pcall(function() acc:withdraw(1000) end))

-- Methods on strings through the string metatable.
local s = "Hello"
print(s:upper(), s:lower(), s:len(), s:rep(2, "-"), s:sub(2, -2), s:byte(1))
print(("%d-%d"):format(1, 2), ("x"):rep(3))

-- Receiver computed by an expression; method names that need big constant
-- slots; nested method tables.
local objs = { Account.new("a", 1), Account.new("b", 2) }
for i = 1, #objs do objs[i]:deposit(i * 10) end
print(objs[1]:report(), objs[2]:report())
local ns = { sub = { obj = acc } }
print(ns.sub.obj:report("nested"))

-- A method defined on a nested table path.
local lib = { util = {} }
function lib.util.plain(x) return x * 2 end
function lib.util:bound(x) return self == lib.util, x end
print(lib.util.plain(21), lib.util:bound(5))

-- Calling a missing method reports its name.
print(pcall(function() return acc:missing() end))

-- Tail calls (CALLT / CALLMT): deep tail recursion in constant stack,
-- mutual tail recursion, tail calls through varargs, method tail calls, and
-- calls that look like tail calls but are not (parenthesised, or followed by
-- an operation).
local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + n)
end
print(loop(100000, 0))

local is_even, is_odd
function is_even(n) if n == 0 then return true end return is_odd(n - 1) end
function is_odd(n) if n == 0 then return false end return is_even(n - 1) end
print(is_even(100001), is_odd(100001))

local function forward(...) return select("#", ...), ... end
local function va_tail(...) return forward(...) end
print(va_tail(1, nil, 3))

local obj = { n = 0 }
function obj:step(k) if k == 0 then return self.n end self.n = self.n + k return self:step(k - 1) end
print(obj:step(50000))

-- not a tail call: the result is truncated by parentheses
local function many() return 1, 2, 3 end
local function trunc() return (many()) end
print(trunc())

-- not a tail call: arithmetic after the call
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(1000))

-- tail call to a C function and to a function value in a table
local function tc_c(s) return string.upper(s) end
local dispatch = { go = function(x) return "went " .. x end }
local function tc_tbl(x) return dispatch.go(x) end
print(tc_c("abc"), tc_tbl("far"))

-- a state machine written entirely with tail calls
local states = {}
function states.a(n, log) log[#log + 1] = "a" if n == 0 then return log end return states.b(n - 1, log) end
function states.b(n, log) log[#log + 1] = "b" return states.c(n, log) end
function states.c(n, log) log[#log + 1] = "c" return states.a(n, log) end
print(table.concat(states.a(3, {})))

-- error positions in a tail-called function
print(pcall(function() return error("from tail") end))
local function thrower() error("thrown") end
local function caller() return thrower() end
print(pcall(caller))

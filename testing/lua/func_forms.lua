-- Every way to define a function: local function, function NAME,
-- function a.b.c, function a.b:m, anonymous expressions, functions with
-- fixed and vararg parameters (FUNCF vs FUNCV), functions returning
-- nothing (RET0), one value (RET1), several (RET) or a call (RETM/CALLT).
local function lf(a) return a end
function global_fn(a, b) return a, b end
local ns = { inner = { deeper = {} } }
function ns.f() return "ns.f" end
function ns.inner.g(x) return "g" .. x end
function ns.inner.deeper:h(x) return self == ns.inner.deeper, x end
local anon = function(...) return select("#", ...) end
print(lf(1), global_fn(2, 3), ns.f(), ns.inner.g(4), ns.inner.deeper:h(5), anon(1, 2, 3))

local function ret0() end
local function ret0b() return end
local function ret1() return 1 end
local function ret1s() return "s" end
local function retlocal() local v = 7 return v end
local function ret2() return 1, 2 end
local function ret3(a) return a, a + 1, a + 2 end
local function retm(...) return 0, ... end
local function retcall() return ret3(10) end
local function retparen() return (ret3(10)) end
print(select("#", ret0()), select("#", ret0b()), ret1(), ret1s(), retlocal(), ret2())
print(ret3(1))
print(retm(1, 2), retcall(), retparen())

-- parameters beyond arguments are nil, extra arguments dropped
local function params(a, b, c) return a, b, c end
print(params(1), params(1, 2, 3, 4))

-- a vararg function that ignores its varargs and one that uses arg-like tables
local function fv(a, ...) return a end
local function fvcount(...) local t = { ... } return #t end
print(fv(1, 2, 3), fvcount(1, 2, 3, 4))

-- functions as values in tables, returned, and immediately invoked
local ops = {
  add = function(p, q) return p + q end,
  ["sub"] = function(p, q) return p - q end,
}
print(ops.add(2, 3), ops["sub"](2, 3), (function(v) return v * 2 end)(21))

-- recursive anonymous function through a local declared first
local fact
fact = function(n) return n <= 1 and 1 or n * fact(n - 1) end
print(fact(12))

-- nested function definitions capturing parameters of each level
local function make(a)
  local function level2(b)
    local function level3(c) return a + b + c end
    return level3
  end
  return level2
end
print(make(1)(2)(3))

-- function statement on a field of a global table
GT = {}
function GT.method(v) return "GT " .. v end
function GT:self_method() return self == GT end
print(GT.method(1), GT:self_method())

-- debug.getinfo on a few of them (no addresses printed)
local info = debug.getinfo(lf, "S")
print(info.what, info.linedefined, info.lastlinedefined, info.short_src)
print(debug.getinfo(print, "S").what, debug.getinfo(1, "S").what)
local ninfo = debug.getinfo(anon, "u")
print(ninfo.nups)

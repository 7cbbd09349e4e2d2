-- Varargs everywhere: `...` in table constructors (TSETM), as call
-- arguments (CALLM), in returns (RETM), in tail calls (CALLMT), truncated
-- by parentheses, in multiple assignment, and with select().
local function count(...) return select("#", ...) end
local function pack(...) return { n = select("#", ...), ... } end
local function id(...) return ... end
local function first(...) local a = ... return a end
local function two(...) local a, b = ... return a, b end

print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local p = pack(1, nil, 3)
print(p.n, p[1], p[2], p[3])
print(id(1, 2, 3))
print((id(1, 2, 3)))
print(first(7, 8), two(9))
print(id())
print(id(nil, nil))

-- select with negative and positive indices
print(select(2, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-2, "a", "b", "c"))
print(pcall(select, 0, 1))
print(select("#"))

-- varargs in the middle of a list are truncated to one value
local t = { id(1, 2), id(3, 4) }
print(#t, t[1], t[2], t[3])
local u = { id(1, 2), id(3, 4), n = 5 }
print(#u, u[3], u.n)
local v = { ... }                 -- main chunk varargs (none here)
print(#v)

-- CALLM: call with a multi-result call as last argument
print(string.format("%s-%s-%s", id("a", "b", "c")))
print(math.max(id(3, 9, 4)))

-- CALLMT: tail call with varargs
local function tail(...) return id(...) end
print(tail(5, 6, 7))
local function tail2(...) return select("#", ...) end
print(tail2(nil, nil, nil))

-- RETM: return a list ending in a call
local function wrap(...) return "w", id(...) end
print(wrap(1, 2))

-- varargs captured in a closure through a table
local function bind(f, ...)
  local args = { n = select("#", ...), ... }
  return function(...)
    local all = { unpack(args, 1, args.n) }
    local more = { ... }
    for i = 1, #more do all[args.n + i] = more[i] end
    return f(unpack(all, 1, args.n + #more))
  end
end
local add3 = bind(function(a, b, c) return a + b + c end, 1, 2)
print(add3(3), add3(10))

-- sum with a loop over select
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(1, 2, 3, 4, 5), sum())

-- varargs and fixed params together
local function mixed(a, b, ...)
  return a, b, select("#", ...), ...
end
print(mixed(1))
print(mixed(1, 2, 3, 4))

-- unpack with explicit ranges
print(unpack({ 1, 2, 3 }))
print(unpack({ 1, 2, 3 }, 2))
print(unpack({ 1, 2, 3 }, 2, 5))
print(select("#", unpack({}, 1, 3)))

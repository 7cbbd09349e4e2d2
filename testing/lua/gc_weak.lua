-- Garbage collection that is observable deterministically: weak-valued
-- and weak-keyed tables after a full collect, finalizers on newproxy
-- userdata (run order of __gc is reverse creation order), collectgarbage
-- options returning numbers, and strings never being weak-collected.
collectgarbage("collect")
local weak_v = setmetatable({}, { __mode = "v" })
local weak_k = setmetatable({}, { __mode = "k" })
local strong = {}
-- Objects are made in a called function so no dead stack slot of this chunk
-- still refers to them when the collector runs.
local function fill()
  for i = 1, 10 do
    local obj = { id = i }
    weak_v[i] = obj
    weak_k[obj] = i
    if i % 2 == 0 then strong[#strong + 1] = obj end
  end
end
fill()
weak_v.str = "strings are values, never collected"
weak_v.num = 42
collectgarbage("collect")
local live_v, live_k = {}, {}
for k, v in pairs(weak_v) do if type(v) == "table" then live_v[#live_v + 1] = v.id end end
for k, v in pairs(weak_k) do live_k[#live_k + 1] = v end
table.sort(live_v) table.sort(live_k)
print(table.concat(live_v, " "), "|", table.concat(live_k, " "), "|", weak_v.str, weak_v.num)

-- finalizers through newproxy
local log = {}
local function make_proxies()
  for i = 1, 3 do
    local p = newproxy(true)
    getmetatable(p).__gc = function() log[#log + 1] = "gc" .. i end
  end
end
make_proxies()
collectgarbage("collect")
print(table.concat(log, " "))

-- a finalizer that resurrects its object into a global
local keeper = newproxy(true)
getmetatable(keeper).__gc = function(u) RESURRECTED = u end
keeper = nil
collectgarbage("collect")
print(type(RESURRECTED))
RESURRECTED = nil
collectgarbage("collect")
print(type(RESURRECTED))

-- collectgarbage options
print(type(collectgarbage("count")), collectgarbage("count") > 0)
print(collectgarbage("step", 0) ~= nil, collectgarbage("setpause", 150), collectgarbage("setstepmul", 200))
print(collectgarbage("setpause", 200), collectgarbage("setstepmul", 200))
print(pcall(collectgarbage, "bogus"))

-- memory is reclaimed: allocate and drop many tables
local before = collectgarbage("count")
local function churn() local junk = {} for i = 1, 20000 do junk[i] = { i } end return #junk end
churn()
collectgarbage("collect")
print(collectgarbage("count") < before + 100)

-- Incremental collection while array parts hold every kind of value: the
-- collector marks array slots (nil, numbers, booleans, strings, tables,
-- closures, weak-valued arrays) between small steps, sweeps freed nodes and
-- reuses their blocks. Only values that do not depend on heap sizes print.
collectgarbage("setpause", 100)
collectgarbage("setstepmul", 100)

-- A tree whose nodes keep mixed values in their array part.
local function make(depth, tag)
  if depth == 0 then return { tag, depth, true, nil, "leaf" .. tag } end
  local node = { make(depth - 1, tag * 2), make(depth - 1, tag * 2 + 1), tag }
  node[4] = function() return tag end
  return node
end

local function check(node)
  if node[5] then return 1 end
  assert(node[4]() == node[3])
  return 1 + check(node[1]) + check(node[2])
end

local kept = make(8, 1)
local weak = setmetatable({}, { __mode = "v" })
local total = 0
for round = 1, 40 do
  local t = make(round % 7, round)
  weak[round] = t
  weak[round + 100] = "s" .. round  -- strings are never cleared
  total = total + check(t)
  collectgarbage("step", 1)
  if round % 10 == 0 then collectgarbage("step", 0) end
end
print("nodes built", total, "kept", check(kept))

-- After a full collection only the strings stay in the weak-valued array.
collectgarbage("collect")
local tables, strings = 0, 0
for k, v in pairs(weak) do
  if type(v) == "table" then tables = tables + 1 else strings = strings + 1 end
end
print("weak tables left", tables, "strings left", strings)

-- Blocks freed by the sweep come back as new tables with intact contents.
local rebuilt = {}
for i = 1, 2000 do rebuilt[i] = { i, tostring(i), { i } } end
collectgarbage("collect")
local sum = 0
for i = 1, #rebuilt do
  local r = rebuilt[i]
  assert(r[2] == tostring(i) and r[3][1] == i)
  sum = sum + r[1]
end
print("rebuilt", #rebuilt, sum, "kept", check(kept))

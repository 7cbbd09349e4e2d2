-- Word frequencies of a fixed text: gmatch over words, lower-casing,
-- counting in a table, sorting by count then word. Pure Lua 5.1.
local text = [[
It was the best of times, it was the worst of times, it was the age of
wisdom, it was the age of foolishness, it was the epoch of belief, it was
the epoch of incredulity, it was the season of Light, it was the season of
Darkness, it was the spring of hope, it was the winter of despair.
]]
local counts, total, distinct = {}, 0, 0
for word in text:gmatch("%a+") do
  word = word:lower()
  if not counts[word] then counts[word] = 0 distinct = distinct + 1 end
  counts[word] = counts[word] + 1
  total = total + 1
end
local list = {}
for w, c in pairs(counts) do list[#list + 1] = { word = w, count = c } end
table.sort(list, function(a, b) if a.count ~= b.count then return a.count > b.count end return a.word < b.word end)
print("total", total, "distinct", distinct)
for i = 1, 8 do print(string.format("%-12s %3d %s", list[i].word, list[i].count, string.rep("*", list[i].count))) end
local longest = ""
for w in pairs(counts) do if #w > #longest or (#w == #longest and w < longest) then longest = w end end
print("longest", longest)
local caps = {}
for w in text:gmatch("%u%l+") do caps[#caps + 1] = w end
print(table.concat(caps, " "))
print((text:gsub("%s+", " "):sub(1, 40)))

-- LuaJIT 2.1 goto and labels: forward and backward jumps, `continue`
-- emulation, breaking out of nested loops, goto out of a block whose locals
-- are captured (the jump closes upvalues), and labels at block ends.
-- continue idiom
for i = 1, 10 do
  if i % 3 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()

-- backward goto as a loop
local n = 0
::top::
n = n + 1
if n < 5 then goto top end
print("n", n)

-- leave two nested loops at once
local found
for i = 1, 5 do
  for j = 1, 5 do
    if i * j == 12 then found = i .. "x" .. j goto done end
  end
end
::done::
print("found", found)

-- goto out of a loop with a captured local
local fns = {}
for i = 1, 3 do
  local v = i * 100
  fns[i] = function() return v end
  if i == 2 then goto out end
end
::out::
print(#fns, fns[1](), fns[2]())

-- backward goto that re-enters a block with a captured local each time
local closures = {}
do
  local k = 0
  ::again::
  local captured = k
  closures[#closures + 1] = function() return captured end
  k = k + 1
  if k < 3 then goto again end
end
print(closures[1](), closures[2](), closures[3]())

-- label at the end of a block may follow a local declaration's scope
do
  local x = 1
  if x then goto finish end
  local y = 2
  print("skipped", y)
  ::finish::
end
print("after finish")

-- while-loop with goto continue and nested labels of the same name in
-- sibling blocks
local i = 0
while i < 6 do
  i = i + 1
  do
    if i == 2 then goto skip end
    io.write("a", i, " ")
    ::skip::
  end
  do
    if i == 4 then goto skip end
    io.write("b", i, " ")
    ::skip::
  end
end
print()

-- goto in a repeat loop
local r = 0
repeat
  r = r + 1
  if r == 2 then goto cont end
  io.write("r", r, " ")
  ::cont::
until r >= 4
print()

-- `goto` is a keyword in LuaJIT, but `continue` is not
local continue = "plain name"
print(continue)

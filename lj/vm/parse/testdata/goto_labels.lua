-- goto, labels, break through scopes that capture locals.
local function f(n)
  local i = 1
  ::top::
  if i > n then goto done end
  do
    local captured = i
    local g = function() return captured end
    if g() == 3 then goto skip end
  end
  ::skip::
  i = i + 1
  goto top
  ::done::
  return i
end

for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    local k = function() return i + j end
    ::continue::
  end
end

while true do
  local x = {}
  local h = function() return x end
  if h() then break end
end

repeat
  local y = 1
  local z = function() return y end
until z() == 1

do
  goto a
  local q
  ::a::
end

local goto_as_name = 1
local t = {goto = 2}
return f(5), goto_as_name, t.goto

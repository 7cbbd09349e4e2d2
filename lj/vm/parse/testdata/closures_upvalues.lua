-- upvalues: immutable and assigned, nested levels, USET variants.
local counter = 0
local const = "fixed"
local function outer()
  local level1 = 1
  local function middle()
    local level2 = 2
    return function()
      counter = counter + 1
      level1 = nil
      level2 = "s"
      const = 1.5
      counter = true
      return level1, level2, const, counter
    end
  end
  return middle
end
local fs = {}
for i = 1, 10 do
  fs[i] = function() return i end
end
for k, v in pairs(fs) do
  fs[k] = function() return k, v end
end
local function recursive(n)
  if n == 0 then return 0 end
  return recursive(n - 1) + 1
end
local x = 1
local function shadow()
  local x = x + 1
  return x
end
return outer, recursive, shadow

-- fannkuch: fannkuch-redux. For every permutation of 1..n (in the order of the
-- counting-based generator), repeatedly reverse the first k elements where k
-- is the first element, until 1 comes first; report the maximum flip count and
-- a checksum (+flips for even-numbered permutations, -flips for odd ones).
-- N: the permutation length n (default 10).
local N = tonumber(arg and arg[1]) or 10

-- Count prefix reversals of a copy of perm until its first element is 1.
local function count_flips(perm, work, n)
  for i = 1, n do work[i] = perm[i] end
  local flips = 0
  local first = work[1]
  while first ~= 1 do
    local i, j = 1, first
    while i < j do
      work[i], work[j] = work[j], work[i]
      i, j = i + 1, j - 1
    end
    flips = flips + 1
    first = work[1]
  end
  return flips
end

local function fannkuch(n)
  local perm, work, count = {}, {}, {}
  for i = 1, n do perm[i] = i end
  local max_flips, checksum, index = 0, 0, 0
  local r = n
  while true do
    -- Positions 2..r start a fresh cycle: prefix k rotates k times.
    while r ~= 1 do count[r] = r; r = r - 1 end
    local flips = count_flips(perm, work, n)
    if flips > max_flips then max_flips = flips end
    checksum = checksum + (index % 2 == 0 and flips or -flips)
    index = index + 1
    -- Next permutation: rotate the first r+1 elements left; when that prefix
    -- has made all its rotations, move on to a longer prefix.
    while true do
      if r == n then return checksum, max_flips end
      local first = perm[1]
      for i = 1, r do perm[i] = perm[i + 1] end
      perm[r + 1] = first
      count[r + 1] = count[r + 1] - 1
      if count[r + 1] > 0 then break end
      r = r + 1
    end
  end
end

local checksum, flips = fannkuch(N)
print(string.format("%d\nPfannkuchen(%d) = %d", checksum, N, flips))

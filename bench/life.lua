-- life: Conway's Game of Life on a 128 x 128 torus. Each generation counts
-- the eight neighbours of every cell from the previous board (a flat array
-- of 0/1) and writes the next board into a second array, then swaps them.
-- The start is a deterministic LCG-random fill. Stresses array indexing.
-- N: the number of generations (default 6000).
local N = tonumber(arg and arg[1]) or 6000

local W, H = 128, 128

-- Fill about a third of the cells using a Park-Miller generator.
local function seed_board()
  local board, seed = {}, 12345
  for i = 0, W * H - 1 do
    seed = (seed * 16807) % 2147483647
    board[i] = seed % 3 == 0 and 1 or 0
  end
  return board
end

-- Compute the next generation of cur into nxt (both flat, row-major, 0-based).
local function step(cur, nxt)
  for y = 0, H - 1 do
    local up = ((y - 1) % H) * W
    local row = y * W
    local down = ((y + 1) % H) * W
    for x = 0, W - 1 do
      local left, right = (x - 1) % W, (x + 1) % W
      local n = cur[up + left] + cur[up + x] + cur[up + right]
              + cur[row + left] + cur[row + right]
              + cur[down + left] + cur[down + x] + cur[down + right]
      local alive = cur[row + x]
      nxt[row + x] = (n == 3 or (n == 2 and alive == 1)) and 1 or 0
    end
  end
end

-- Population and a position-weighted hash of the live cells.
local function summary(board)
  local population, hash = 0, 0
  for i = 0, W * H - 1 do
    if board[i] == 1 then
      population = population + 1
      hash = (hash * 31 + i) % 1000000007
    end
  end
  return population, hash
end

local cur, nxt = seed_board(), {}
print(string.format("generation 0: population %d, hash %d", summary(cur)))
for g = 1, N do
  step(cur, nxt)
  cur, nxt = nxt, cur
  if g % 500 == 0 or g == N then
    print(string.format("generation %d: population %d, hash %d", g, summary(cur)))
  end
end

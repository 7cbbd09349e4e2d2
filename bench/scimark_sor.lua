-- scimark_sor: SciMark's Jacobi successive over-relaxation kernel. A 100 x 100
-- grid (array of row arrays) is relaxed in place with omega = 1.25: each
-- interior point becomes a weighted mix of itself and its four neighbours.
-- Stresses nested numeric loops and 2-D array access.
-- N: the number of relaxation sweeps (default 50000).
local N = tonumber(arg and arg[1]) or 50000

local SIZE, OMEGA = 100, 1.25

-- A SIZE x SIZE grid filled from a Park-Miller generator.
local function random_grid()
  local grid, seed = {}, 101
  for i = 1, SIZE do
    local row = {}
    for j = 1, SIZE do
      seed = (seed * 16807) % 2147483647
      row[j] = seed / 2147483647
    end
    grid[i] = row
  end
  return grid
end

-- Relax every interior point once per sweep, for `sweeps` sweeps.
local function sor(grid, sweeps)
  local quarter, keep = OMEGA * 0.25, 1 - OMEGA
  for _ = 1, sweeps do
    for i = 2, SIZE - 1 do
      local up, row, down = grid[i - 1], grid[i], grid[i + 1]
      for j = 2, SIZE - 1 do
        row[j] = quarter * (up[j] + down[j] + row[j - 1] + row[j + 1]) + keep * row[j]
      end
    end
  end
end

local grid = random_grid()
sor(grid, N)
local sum = 0
for i = 1, SIZE do
  local row = grid[i]
  for j = 1, SIZE do sum = sum + row[j] end
end
print(string.format("sor %dx%d, %d sweeps: sum %.9f, centre %.9f", SIZE, SIZE, N, sum, grid[50][50]))

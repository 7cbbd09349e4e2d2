-- Conway's game of life on a 12x12 torus: a glider and a blinker, printed
-- every few generations as text. Pure Lua 5.1.
local W, H = 12, 12
local function empty() local g = {} for y = 1, H do g[y] = {} for x = 1, W do g[y][x] = 0 end end return g end
local grid = empty()
for _, c in ipairs({ { 2, 1 }, { 3, 2 }, { 1, 3 }, { 2, 3 }, { 3, 3 } }) do grid[c[2]][c[1]] = 1 end
for x = 8, 10 do grid[9][x] = 1 end
local function step(g)
  local n = empty()
  for y = 1, H do
    for x = 1, W do
      local c = 0
      for dy = -1, 1 do
        for dx = -1, 1 do
          if dx ~= 0 or dy ~= 0 then
            c = c + g[(y + dy - 1) % H + 1][(x + dx - 1) % W + 1]
          end
        end
      end
      if c == 3 or (c == 2 and g[y][x] == 1) then n[y][x] = 1 end
    end
  end
  return n
end
local function show(g, gen)
  print("generation " .. gen)
  for y = 1, H do
    local row = {}
    for x = 1, W do row[x] = g[y][x] == 1 and "#" or "." end
    print(table.concat(row))
  end
end
for gen = 0, 8 do
  if gen % 4 == 0 then show(grid, gen) end
  grid = step(grid)
end
local alive = 0
for y = 1, H do for x = 1, W do alive = alive + grid[y][x] end end
print("alive", alive)

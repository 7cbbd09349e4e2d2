-- N-queens by backtracking for n = 1..8, with the first solution for n = 8
-- drawn as a board. Pure Lua 5.1.
local function solve(n)
  local cols, d1, d2, placement = {}, {}, {}, {}
  local count, first = 0, nil
  local function place(row)
    if row > n then
      count = count + 1
      if not first then first = { unpack(placement) } end
      return
    end
    for c = 1, n do
      if not cols[c] and not d1[row + c] and not d2[row - c + n] then
        cols[c], d1[row + c], d2[row - c + n] = true, true, true
        placement[row] = c
        place(row + 1)
        cols[c], d1[row + c], d2[row - c + n] = nil, nil, nil
      end
    end
  end
  place(1)
  return count, first
end
for n = 1, 8 do
  local count = solve(n)
  io.write(n, ":", count, " ")
end
print()
local _, board = solve(8)
for r = 1, 8 do
  local line = {}
  for c = 1, 8 do line[c] = board[r] == c and "Q" or "." end
  print(table.concat(line, " "))
end

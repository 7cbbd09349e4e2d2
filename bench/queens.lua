-- queens: count all solutions of the N-queens puzzle by backtracking.
-- Columns and both diagonals are tracked in boolean arrays, so the inner loop
-- is array reads/writes plus recursion (one call per placed queen).
-- N: the board size (default 13).
local N = tonumber(arg and arg[1]) or 13

-- Place one queen per row; used columns and diagonals are marked in arrays.
local function solve(n)
  local cols, diag1, diag2 = {}, {}, {}
  for i = 1, 2 * n do cols[i], diag1[i], diag2[i] = false, false, false end
  local count = 0
  local function place(row)
    if row > n then count = count + 1; return end
    for c = 1, n do
      local d1, d2 = row + c, row - c + n
      if not cols[c] and not diag1[d1] and not diag2[d2] then
        cols[c], diag1[d1], diag2[d2] = true, true, true
        place(row + 1)
        cols[c], diag1[d1], diag2[d2] = false, false, false
      end
    end
  end
  place(1)
  return count
end

for n = N - 2, N do
  print(string.format("%d queens: %d solutions", n, solve(n)))
end

-- scimark_lu: SciMark's dense LU factorization. A 100 x 100 random matrix is
-- copied and factored in place with partial pivoting (find the pivot row,
-- swap rows, scale the column, rank-1 update of the trailing block); the
-- pivot vector and a checksum of the factors are printed. Float-heavy.
-- N: the number of factorizations (default 4000).
local N = tonumber(arg and arg[1]) or 4000

local abs = math.abs
local SIZE = 100

-- A random matrix (array of row arrays) from a Park-Miller generator.
local function random_matrix(n)
  local m, seed = {}, 2024
  for i = 1, n do
    local row = {}
    for j = 1, n do
      seed = (seed * 16807) % 2147483647
      row[j] = seed / 2147483647
    end
    m[i] = row
  end
  return m
end

local function copy_into(dst, src, n)
  for i = 1, n do
    local d, s = dst[i], src[i]
    for j = 1, n do d[j] = s[j] end
  end
end

-- Factor a in place into L (unit lower, below the diagonal) and U; fill pivot.
local function factor(a, n, pivot)
  for j = 1, n do
    -- Choose the row with the largest magnitude in column j.
    local jp, best = j, abs(a[j][j])
    for i = j + 1, n do
      local v = abs(a[i][j])
      if v > best then jp, best = i, v end
    end
    pivot[j] = jp
    if a[jp][j] == 0 then error("singular matrix") end
    if jp ~= j then a[j], a[jp] = a[jp], a[j] end
    -- Scale the column below the pivot, then update the trailing block.
    local rowj = a[j]
    local recip = 1.0 / rowj[j]
    for i = j + 1, n do a[i][j] = a[i][j] * recip end
    for i = j + 1, n do
      local rowi = a[i]
      local factor_ij = rowi[j]
      for k = j + 1, n do rowi[k] = rowi[k] - factor_ij * rowj[k] end
    end
  end
end

local original = random_matrix(SIZE)
local work = {}
for i = 1, SIZE do work[i] = {} end
local pivot = {}
for _ = 1, N do
  copy_into(work, original, SIZE)
  factor(work, SIZE, pivot)
end

local diag, sum, pivsum = 0, 0, 0
for i = 1, SIZE do
  diag = diag + abs(work[i][i])
  pivsum = pivsum + pivot[i] * i
  for j = 1, SIZE do sum = sum + work[i][j] end
end
print(string.format("lu %dx%d x %d: |diag| %.6f, sum %.6f, pivots %d", SIZE, SIZE, N, diag, sum, pivsum))

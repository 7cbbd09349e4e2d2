-- scimark_sparse: SciMark's sparse matrix-vector multiply. A 1000 x 1000
-- matrix with 5000 nonzeros is stored in compressed-row form (row starts,
-- column indices, values); y = A x is computed repeatedly. Stresses indirect
-- array indexing in a tight loop.
-- N: the number of products (default 80000).
local N = tonumber(arg and arg[1]) or 80000

local floor = math.floor
local ROWS, NONZEROS = 1000, 5000

-- Build the CSR arrays: each row gets NONZEROS/ROWS entries at spread columns.
local function build(seed)
  local per_row = floor(NONZEROS / ROWS)
  local row_start, col, val = { [1] = 1 }, {}, {}
  local k = 1
  for r = 1, ROWS do
    local step = floor(r / per_row)
    if step < 1 then step = 1 end
    for i = 0, per_row - 1 do
      seed = (seed * 16807) % 2147483647
      col[k] = (i * step) % ROWS + 1
      val[k] = seed / 2147483647
      k = k + 1
    end
    row_start[r + 1] = k
  end
  return row_start, col, val, seed
end

-- y = A x over the CSR arrays.
local function multiply(row_start, col, val, x, y)
  for r = 1, ROWS do
    local sum = 0
    for k = row_start[r], row_start[r + 1] - 1 do sum = sum + x[col[k]] * val[k] end
    y[r] = sum
  end
end

local row_start, col, val, seed = build(77)
local x, y = {}, {}
for i = 1, ROWS do
  seed = (seed * 16807) % 2147483647
  x[i] = seed / 2147483647
end
-- Feed a scaled copy of y back into x every 1000 products so results evolve.
for c = 1, N do
  multiply(row_start, col, val, x, y)
  if c % 1000 == 0 then
    for i = 1, ROWS do x[i] = y[i] * 0.1 end
  end
end
local sum = 0
for i = 1, ROWS do sum = sum + y[i] end
print(string.format("sparse %d x %d, %d nonzeros, %d products: sum %.9e", ROWS, ROWS, NONZEROS, N, sum))

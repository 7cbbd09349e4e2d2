-- spectral-norm: estimate the spectral norm (largest singular value) of the
-- infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), truncated to N x N, by
-- ten rounds of the power method on A^T A. Float loops with a small function.
-- N: the matrix dimension (default 5500).
local N = tonumber(arg and arg[1]) or 5500

-- Entry (i, j) of A with zero-based indices, as the formula is usually stated.
local function a(i, j)
  local ij = i + j
  return 1.0 / (ij * (ij + 1) * 0.5 + i + 1)
end

-- y = A x
local function mul_av(n, x, y)
  for i = 0, n - 1 do
    local s = 0
    for j = 0, n - 1 do s = s + a(i, j) * x[j] end
    y[i] = s
  end
end

-- y = A^T x
local function mul_atv(n, x, y)
  for i = 0, n - 1 do
    local s = 0
    for j = 0, n - 1 do s = s + a(j, i) * x[j] end
    y[i] = s
  end
end

-- y = A^T A x, through a scratch vector t
local function mul_atav(n, x, y, t)
  mul_av(n, x, t)
  mul_atv(n, t, y)
end

local u, v, t = {}, {}, {}
for i = 0, N - 1 do u[i] = 1 end
for _ = 1, 10 do
  mul_atav(N, u, v, t)
  mul_atav(N, v, u, t)
end
local vbv, vv = 0, 0
for i = 0, N - 1 do
  local ui, vi = u[i], v[i]
  vbv, vv = vbv + ui * vi, vv + vi * vi
end
print(string.format("%0.9f", math.sqrt(vbv / vv)))

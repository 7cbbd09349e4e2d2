-- Matrix arithmetic: construction, multiplication, transpose, identity
-- checks, determinant by Gaussian elimination. Pure Lua 5.1; results printed
-- with fixed precision.
local function matrix(n, m, f)
  local a = {}
  for i = 1, n do
    a[i] = {}
    for j = 1, m do a[i][j] = f(i, j) end
  end
  return a
end
local function mul(a, b)
  local n, m, p = #a, #b, #b[1]
  return matrix(n, p, function(i, j)
    local s = 0
    for k = 1, m do s = s + a[i][k] * b[k][j] end
    return s
  end)
end
local function transpose(a) return matrix(#a[1], #a, function(i, j) return a[j][i] end) end
local function show(a)
  for i = 1, #a do
    local row = {}
    for j = 1, #a[i] do row[j] = string.format("%8.3f", a[i][j]) end
    print(table.concat(row, " "))
  end
end
local function det(a)
  local n = #a
  local m = matrix(n, n, function(i, j) return a[i][j] end)
  local d = 1
  for c = 1, n do
    local pivot = c
    for r = c + 1, n do if math.abs(m[r][c]) > math.abs(m[pivot][c]) then pivot = r end end
    if m[pivot][c] == 0 then return 0 end
    if pivot ~= c then m[pivot], m[c] = m[c], m[pivot] d = -d end
    d = d * m[c][c]
    for r = c + 1, n do
      local factor = m[r][c] / m[c][c]
      for k = c, n do m[r][k] = m[r][k] - factor * m[c][k] end
    end
  end
  return d
end
local a = matrix(3, 3, function(i, j) return i + 2 * j end)
local b = matrix(3, 3, function(i, j) return (i == j) and 2 or (i - j) end)
show(mul(a, b))
show(transpose(a))
print(string.format("%.6f %.6e", det(b), det(matrix(4, 4, function(i, j) return 1 / (i + j - 1) end))))
local big = matrix(30, 30, function(i, j) return ((i * 7 + j * 3) % 11) - 5 end)
local sq = mul(big, big)
local trace = 0
for i = 1, 30 do trace = trace + sq[i][i] end
print("trace", trace)

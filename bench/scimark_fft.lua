-- scimark_fft: SciMark's FFT kernel. A complex radix-2 decimation-in-time
-- FFT (bit-reversal permutation, then butterflies with incrementally rotated
-- twiddle factors) runs forward and inverse on 1024 points, over and over;
-- afterwards the RMS difference from the original data must be tiny.
-- N: the number of forward+inverse transform pairs (default 16000).
local N = tonumber(arg and arg[1]) or 16000

local sin, sqrt, floor = math.sin, math.sqrt, math.floor
local PI = 3.141592653589793
local SIZE = 1024

-- Reorder the n complex values (interleaved re/im, 1-based) by bit-reversed index.
local function bit_reverse(data, n)
  local j = 0
  for i = 0, n - 2 do
    if i < j then
      local ii, jj = 2 * i + 1, 2 * j + 1
      data[ii], data[jj] = data[jj], data[ii]
      data[ii + 1], data[jj + 1] = data[jj + 1], data[ii + 1]
    end
    local k = floor(n / 2)
    while k <= j do j, k = j - k, floor(k / 2) end
    j = j + k
  end
end

-- In-place transform; direction -1 is forward, +1 the (unnormalised) inverse.
local function transform(data, n, direction)
  bit_reverse(data, n)
  local dual = 1
  while dual < n do
    -- Twiddle w = exp(direction * i * pi / dual), advanced by a recurrence.
    local theta = direction * PI / dual
    local s = sin(theta)
    local t = sin(theta / 2)
    local s2 = 2 * t * t
    local wr, wi = 1.0, 0.0
    for a = 0, dual - 1 do
      for b = 0, n - 1, 2 * dual do
        local i, j = 2 * (b + a) + 1, 2 * (b + a + dual) + 1
        local zr, zi = data[j], data[j + 1]
        local tr, ti = wr * zr - wi * zi, wr * zi + wi * zr
        local xr, xi = data[i], data[i + 1]
        data[j], data[j + 1] = xr - tr, xi - ti
        data[i], data[i + 1] = xr + tr, xi + ti
      end
      wr, wi = wr - s * wi - s2 * wr, wi + s * wr - s2 * wi
    end
    dual = dual * 2
  end
end

-- Inverse: transform back and divide by n.
local function inverse(data, n)
  transform(data, n, 1)
  for i = 1, 2 * n do data[i] = data[i] / n end
end

-- Deterministic input from a Park-Miller generator.
local data, original, seed = {}, {}, 4711
for i = 1, 2 * SIZE do
  seed = (seed * 16807) % 2147483647
  data[i] = seed / 2147483647
  original[i] = data[i]
end

local first_re = 0
for c = 1, N do
  transform(data, SIZE, -1)
  if c == 1 then first_re = data[1] end
  inverse(data, SIZE)
end

local err = 0
for i = 1, 2 * SIZE do
  local d = data[i] - original[i]
  err = err + d * d
end
err = sqrt(err / SIZE)
assert(err < 1e-9, "FFT round trip lost precision")
print(string.format("fft %d points x %d: first dc term %.9f, final data[2] %.12f, round trip ok",
  SIZE, N, first_re, data[2]))

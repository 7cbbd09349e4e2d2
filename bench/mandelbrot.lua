-- mandelbrot: render the Mandelbrot set on an N x N grid over [-1.5,0.5]x[-1,1]
-- with 50 iterations and escape radius 2, packing pixels 8 to a byte as a PBM
-- bitmap would; instead of printing the bitmap, a checksum of its bytes is
-- printed. Stresses float arithmetic in a tight inner loop.
-- N: the width and height of the image in pixels (default 5000).
local N = tonumber(arg and arg[1]) or 5000

local ITER = 50
local MOD = 1000000007

-- Return 1 if c = (cr, ci) stays bounded for ITER iterations, else 0.
local function inside(cr, ci)
  local zr, zi, zr2, zi2 = 0.0, 0.0, 0.0, 0.0
  for _ = 1, ITER do
    zi = 2.0 * zr * zi + ci
    zr = zr2 - zi2 + cr
    zr2, zi2 = zr * zr, zi * zi
    if zr2 + zi2 > 4.0 then return 0 end
  end
  return 1
end

local checksum, set_pixels = 0, 0
local scale = 2.0 / N
for y = 0, N - 1 do
  local ci = y * scale - 1.0
  local byte, nbits = 0, 0
  for x = 0, N - 1 do
    local pixel = inside(x * scale - 1.5, ci)
    set_pixels = set_pixels + pixel
    byte, nbits = byte * 2 + pixel, nbits + 1
    -- Emit a full byte, or pad the last byte of a row with zero bits.
    if nbits == 8 or x == N - 1 then
      for _ = nbits + 1, 8 do byte = byte * 2 end
      checksum = (checksum * 31 + byte) % MOD
      byte, nbits = 0, 0
    end
  end
end
print(string.format("P4 %d x %d: %d pixels set, checksum %d", N, N, set_pixels, checksum))

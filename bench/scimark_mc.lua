-- scimark_mc: SciMark's Monte Carlo integration: estimate pi as four times
-- the fraction of random points of the unit square that fall inside the
-- quarter circle. The random numbers come from our own Park-Miller generator
-- (seed * 16807 mod 2^31 - 1), so the estimate is exactly reproducible.
-- N: the number of sample points (default 70000000).
local N = tonumber(arg and arg[1]) or 70000000

-- Count samples (x, y) with x^2 + y^2 <= 1.
local function integrate(samples, seed)
  local inside = 0
  for _ = 1, samples do
    seed = (seed * 16807) % 2147483647
    local x = seed / 2147483647
    seed = (seed * 16807) % 2147483647
    local y = seed / 2147483647
    if x * x + y * y <= 1.0 then inside = inside + 1 end
  end
  return inside
end

local inside = integrate(N, 113)
print(string.format("%d of %d inside: pi ~ %.9f", inside, N, 4 * inside / N))

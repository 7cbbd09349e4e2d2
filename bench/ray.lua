-- ray: a small ray tracer. One primary ray per pixel is tested against every
-- sphere of a scene (a ring of spheres over a huge "floor" sphere), the
-- nearest hit is shaded with Lambert lighting, a shadow ray towards a point
-- light and one mirror bounce. Vectors are small tables, so besides float
-- math this allocates heavily. Pixel greys (0..255) are folded into a checksum.
-- N: the image width and height in pixels (default 1600).
local N = tonumber(arg and arg[1]) or 1600

local sqrt, floor, sin, cos = math.sqrt, math.floor, math.sin, math.cos
local INF = 1e300
local EPS = 1e-9

-- Vector helpers; every result is a fresh {x, y, z} table.
local function vec(x, y, z) return { x = x, y = y, z = z } end
local function add(a, b) return vec(a.x + b.x, a.y + b.y, a.z + b.z) end
local function sub(a, b) return vec(a.x - b.x, a.y - b.y, a.z - b.z) end
local function scale(a, s) return vec(a.x * s, a.y * s, a.z * s) end
local function dot(a, b) return a.x * b.x + a.y * b.y + a.z * b.z end
local function unit(a) return scale(a, 1 / sqrt(dot(a, a))) end

-- The scene: eight coloured spheres in a ring, one central mirror, a floor.
local spheres = {}
local function sphere(cx, cy, cz, r, grey, mirror)
  spheres[#spheres + 1] = { centre = vec(cx, cy, cz), r2 = r * r, grey = grey, mirror = mirror }
end
sphere(0, -10000, 0, 9999, 0.6, 0)
sphere(0, 0.5, 6, 1.5, 0.3, 0.7)
for i = 0, 7 do
  local angle = i * 0.7853981633974483
  sphere(3 * cos(angle), -0.4, 6 + 3 * sin(angle), 0.6, 0.4 + 0.07 * i, 0.1)
end
local LIGHT = vec(-6, 8, -2)

-- Distance along the ray (origin o, unit direction d) to sphere s, or INF.
local function hit_distance(s, o, d)
  local oc = sub(s.centre, o)
  local b = dot(oc, d)
  local disc = b * b - dot(oc, oc) + s.r2
  if disc < 0 then return INF end
  local root = sqrt(disc)
  local t = b - root
  if t > EPS then return t end
  t = b + root
  if t > EPS then return t end
  return INF
end

-- The nearest sphere hit by the ray, and the distance to it.
local function nearest(o, d)
  local best, best_t = nil, INF
  for i = 1, #spheres do
    local s = spheres[i]
    local t = hit_distance(s, o, d)
    if t < best_t then best, best_t = s, t end
  end
  return best, best_t
end

-- Brightness seen along a ray: diffuse + shadow, plus a mirror bounce.
local function trace(o, d, depth)
  local s, t = nearest(o, d)
  if not s then return 0.2 + 0.3 * d.y end
  local p = add(o, scale(d, t))
  local n = unit(sub(p, s.centre))
  p = add(p, scale(n, 1e-6))
  local to_light = unit(sub(LIGHT, p))
  local lambert = dot(n, to_light)
  local light = 0.1
  if lambert > 0 and not nearest(p, to_light) then light = light + 0.9 * lambert end
  local colour = s.grey * light
  if s.mirror > 0 and depth < 2 then
    local r = sub(d, scale(n, 2 * dot(d, n)))
    colour = colour * (1 - s.mirror) + s.mirror * trace(p, r, depth + 1)
  end
  return colour
end

local eye = vec(0, 1.5, -4)
local checksum, total = 0, 0
for py = 0, N - 1 do
  for px = 0, N - 1 do
    local dir = unit(vec((px - N / 2) / N, (N / 2 - py) / N - 0.15, 1))
    local v = trace(eye, dir, 0)
    local grey = floor((v < 0 and 0 or (v > 1 and 1 or v)) * 255 + 0.5)
    total = total + grey
    checksum = (checksum * 31 + grey) % 1000000007
  end
end
print(string.format("%dx%d pixels: mean grey %.4f, checksum %d", N, N, total / (N * N), checksum))

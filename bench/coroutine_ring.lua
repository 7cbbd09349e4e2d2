-- coroutine_ring: a ring of 503 coroutines passes a counter around, each
-- decrementing it once and yielding it back to a dispatcher that resumes the
-- next one; we report which coroutine sees zero. Then a pipeline of generator
-- coroutines (numbers -> squares -> filter -> sum) stresses wrap/yield chains.
-- N: the number of hand-offs around the ring (default 25000000).
local N = tonumber(arg and arg[1]) or 25000000

local create, resume, yield, wrap = coroutine.create, coroutine.resume, coroutine.yield, coroutine.wrap
local RING = 503

-- Each member decrements the token it is resumed with and yields it back.
local function member(token)
  while true do token = yield(token - 1) end
end

-- Dispatch the token around the ring until it reaches zero; return the holder.
local function run_ring(n)
  local ring = {}
  for i = 1, RING do ring[i] = create(member) end
  local token, id = n, 0
  while token > 0 do
    id = id % RING + 1
    local ok
    ok, token = resume(ring[id], token)
    assert(ok)
  end
  return id
end

-- A generator of 1..n.
local function numbers(n)
  return wrap(function() for i = 1, n do yield(i) end end)
end

-- A stage applying f to every value of the upstream generator.
local function map(f, source)
  return wrap(function() for v in source do yield(f(v)) end end)
end

-- A stage passing only the values accepted by pred.
local function filter(pred, source)
  return wrap(function() for v in source do if pred(v) then yield(v) end end end)
end

print(string.format("ring of %d, %d passes: coroutine %d holds zero", RING, N, run_ring(N)))

local sum, count = 0, 0
local pipeline = filter(function(v) return v % 3 ~= 0 end,
                        map(function(v) return (v * v) % 1000003 end, numbers(math.floor(N / 10))))
for v in pipeline do sum, count = sum + v, count + 1 end
print(string.format("pipeline: %d values, sum %d", count, sum))

-- binary-trees: allocate many perfect binary trees of varying depth, walk each
-- to count its nodes, and keep one long-lived tree alive throughout. A GC and
-- allocation benchmark: nodes are small two-slot tables, a leaf is an empty one.
-- N: the maximum tree depth (default 16; the minimum depth is 4).
local N = tonumber(arg and arg[1]) or 16

local MIN_DEPTH = 4

-- Build a perfect tree of the given depth; a leaf has no children.
local function make(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { make(depth), make(depth) }
end

-- Count the nodes of a tree.
local function check(tree)
  local left = tree[1]
  if not left then return 1 end
  return 1 + check(left) + check(tree[2])
end

local max_depth = N < MIN_DEPTH + 2 and MIN_DEPTH + 2 or N
local stretch = max_depth + 1
print(string.format("stretch tree of depth %d\t check: %d", stretch, check(make(stretch))))

local long_lived = make(max_depth)
-- Deeper trees are built fewer times so each depth does similar work.
for depth = MIN_DEPTH, max_depth, 2 do
  local iterations = 2 ^ (max_depth - depth + MIN_DEPTH)
  local sum = 0
  for _ = 1, iterations do sum = sum + check(make(depth)) end
  print(string.format("%d\t trees of depth %d\t check: %d", iterations, depth, sum))
end
print(string.format("long lived tree of depth %d\t check: %d", max_depth, check(long_lived)))

-- havlak: Havlak's loop-recognition algorithm over a generated control-flow
-- graph. A depth-first search numbers the blocks; back edges (from a DFS
-- descendant) mark loop headers; processing headers innermost first, each
-- loop body is collected by walking non-back predecessors, merged with
-- union-find, and irreducible entries are detected. Then loop depths are
-- computed. Stresses arrays of arrays, table allocation and small calls.
-- N: the number of times the loop forest of the ~11000-block graph is rebuilt (default 150).
local N = tonumber(arg and arg[1]) or 150

local ipairs = ipairs

---------------------------------------------------------------- graph building
-- Blocks are numbered 1..count; succ[b] and pred[b] are arrays of block numbers.
local function new_graph()
  local g = { count = 0, succ = {}, pred = {} }
  function g.node()
    g.count = g.count + 1
    g.succ[g.count], g.pred[g.count] = {}, {}
    return g.count
  end
  function g.edge(a, b)
    local s, p = g.succ[a], g.pred[b]
    s[#s + 1], p[#p + 1] = b, a
  end
  return g
end

-- A chain of k fresh blocks after `from`; returns the last one.
local function straight(g, from, k)
  for _ = 1, k do
    local nxt = g.node()
    g.edge(from, nxt)
    from = nxt
  end
  return from
end

-- An if/else diamond after `from`; returns the join block and one branch.
local function diamond(g, from)
  local left, right, join = g.node(), g.node(), g.node()
  g.edge(from, left); g.edge(from, right)
  g.edge(left, join); g.edge(right, join)
  return join, left
end

-- Two diamonds each closed into a loop, inside a loop back to `from`. With
-- `side_entry`, `from` also jumps into the first loop's body: irreducible.
local function base_loop(g, from, side_entry)
  local header = straight(g, from, 1)
  local join1, branch1 = diamond(g, header)
  local mid = straight(g, join1, 1)
  local join2 = diamond(g, mid)
  g.edge(join2, mid)
  g.edge(join1, header)
  local footer = straight(g, join2, 1)
  g.edge(footer, from)
  if side_entry then g.edge(from, branch1) end
  return straight(g, footer, 1)
end

-- Ten outer loops, each of ten middle loops, each of ten base loops.
local function build_cfg()
  local g = new_graph()
  local cur = straight(g, g.node(), 2)
  for i = 1, 10 do
    local outer = straight(g, cur, 1)
    local x = outer
    for j = 1, 10 do
      local middle = straight(g, x, 1)
      local y = middle
      for k = 1, 10 do y = base_loop(g, y, (i + j + k) % 7 == 0) end
      g.edge(y, middle)
      x = straight(g, y, 1)
    end
    g.edge(x, outer)
    cur = straight(g, x, 1)
  end
  -- An unreachable island the search must ignore.
  local island = g.node()
  g.edge(island, g.node())
  return g
end

---------------------------------------------------------------- loop finding
-- Iterative DFS from block 1: preorder numbers, and the last number in each subtree.
local function number_blocks(g)
  local number, block_of, last = {}, {}, {}
  for b = 1, g.count do number[b] = 0 end
  local stack_block, stack_next = { 1 }, { 1 }
  local depth, counter = 1, 1
  number[1], block_of[1] = 1, 1
  while depth > 0 do
    local b = stack_block[depth]
    local succ = g.succ[b]
    local i = stack_next[depth]
    if i <= #succ then
      stack_next[depth] = i + 1
      local s = succ[i]
      if number[s] == 0 then
        counter = counter + 1
        number[s], block_of[counter] = counter, s
        depth = depth + 1
        stack_block[depth], stack_next[depth] = s, 1
      end
    else
      last[number[b]] = counter
      depth = depth - 1
    end
  end
  return number, block_of, last, counter
end

-- Union-find root with path halving.
local function find(parent, x)
  while parent[x] ~= x do
    local up = parent[parent[x]]
    parent[x] = up
    x = up
  end
  return x
end

local NONHEADER, SELF, REDUCIBLE, IRREDUCIBLE = 0, 1, 2, 3

-- Returns the array of loops, each { header, reducible, parent, depth, size }.
local function find_loops(g)
  local number, block_of, last, m = number_blocks(g)
  -- Split each block's predecessors into back edges and the rest.
  local back, nonback, kind, parent, loop_of, mark = {}, {}, {}, {}, {}, {}
  for w = 1, m do
    local bp, np = {}, {}
    local lw = last[w]
    for _, v in ipairs(g.pred[block_of[w]]) do
      local vn = number[v]
      if vn ~= 0 then
        if w <= vn and vn <= lw then bp[#bp + 1] = vn else np[#np + 1] = vn end
      end
    end
    back[w], nonback[w], kind[w], parent[w], mark[w] = bp, np, NONHEADER, w, 0
  end
  -- Innermost headers first: collect each body from its back-edge sources.
  local loops = {}
  for w = m, 1, -1 do
    local pool = {}
    for _, v in ipairs(back[w]) do
      if v == w then
        kind[w] = SELF
      else
        local r = find(parent, v)
        if mark[r] ~= w then mark[r] = w; pool[#pool + 1] = r end
      end
    end
    if #pool > 0 then kind[w] = REDUCIBLE end
    local lw, i = last[w], 1
    while i <= #pool do
      local x = pool[i]
      i = i + 1
      for _, y in ipairs(nonback[x]) do
        local r = find(parent, y)
        if r < w or r > lw then
          -- An entry from outside w's subtree: w heads an irreducible region.
          kind[w] = IRREDUCIBLE
          nonback[w][#nonback[w] + 1] = r
        elseif r ~= w and mark[r] ~= w then
          mark[r] = w
          pool[#pool + 1] = r
        end
      end
    end
    if #pool > 0 or kind[w] == SELF then
      local loop = { header = block_of[w], reducible = kind[w] ~= IRREDUCIBLE, size = 1 }
      for _, x in ipairs(pool) do
        parent[x] = w
        local inner = loop_of[x]
        if inner then inner.parent = loop else loop.size = loop.size + 1 end
      end
      loop_of[w] = loop
      loops[#loops + 1] = loop
    end
  end
  -- Outer loops were found last; give each loop its nesting depth.
  for i = #loops, 1, -1 do
    local loop = loops[i]
    loop.depth = loop.parent and loop.parent.depth + 1 or 1
  end
  return loops
end

local g = build_cfg()
local total, irreducible, max_depth, depth_sum, size_sum = 0, 0, 0, 0, 0
for _ = 1, N do
  local loops = find_loops(g)
  total = total + #loops
  for _, loop in ipairs(loops) do
    if not loop.reducible then irreducible = irreducible + 1 end
    if loop.depth > max_depth then max_depth = loop.depth end
    depth_sum, size_sum = depth_sum + loop.depth, size_sum + loop.size
  end
end
print(string.format("%d blocks; %d runs: %d loops (%d irreducible), max depth %d, depth sum %d, own blocks %d",
  g.count, N, total, irreducible, max_depth, depth_sum, size_sum))

-- towers: the Towers of Hanoi solved recursively with real disc stacks.
-- Each peg is an array used as a stack; every move pops and pushes, and a
-- move checks the "no larger disc on a smaller one" rule.
-- N: the number of discs (default 24, i.e. 2^24 - 1 moves per run, 3 runs).
local N = tonumber(arg and arg[1]) or 24

-- Move the top disc of `from` onto `to`, enforcing the Hanoi rule.
local function move_disc(pegs, from, to)
  local src, dst = pegs[from], pegs[to]
  local disc = src[#src]
  src[#src] = nil
  local top = dst[#dst]
  if top and top < disc then error("illegal move") end
  dst[#dst + 1] = disc
end

-- Classic recursion: park n-1 discs on the spare peg, move one, bring them back.
local function hanoi(pegs, n, from, to, spare, moves)
  if n == 0 then return moves end
  moves = hanoi(pegs, n - 1, from, spare, to, moves)
  move_disc(pegs, from, to)
  return hanoi(pegs, n - 1, spare, to, from, moves + 1)
end

local total = 0
for run = 1, 3 do
  local pegs = { {}, {}, {} }
  for d = N, 1, -1 do pegs[1][#pegs[1] + 1] = d end
  local target = run % 2 + 2
  total = total + hanoi(pegs, N, 1, target, 5 - target, 0)
  assert(#pegs[target] == N and #pegs[1] == 0)
end
print(string.format("%d discs: %d moves in 3 runs", N, total))

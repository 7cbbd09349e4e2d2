-- fasta: generate DNA sequences in FASTA layout: one section repeating a fixed
-- source string, and two drawn at random from weighted nucleotide alphabets
-- using the linear congruential generator seed = (seed * 3877 + 29573) % 139968.
-- Lines of 60 are built into a buffer; a summary (line count, letter counts,
-- first line of each section) is printed instead of the megabytes of output.
-- N: the base sequence length; sections are 2N, 3N and 5N long (default 5000000).
local N = tonumber(arg and arg[1]) or 5000000

local char, byte, sub, concat, format = string.char, string.byte, string.sub, table.concat, string.format
local unpack = unpack or table.unpack
local WIDTH = 60

-- Our own repeat unit (any fixed nucleotide string serves the benchmark).
local REPEAT = "GATTACAGGCCTTAGCATCGATCGGATACCAGTTTAGGCAACGTGTCCATGACTAGGTCAAACTTGGCA"
  .. "CCTGAGTACGATTGCAATCGGTTCAGCTAGGCAATTCCGGATGACTCAGTTGCAGCTTACGGTAACTGGA"

local IUB = { { "a", 0.27 }, { "c", 0.12 }, { "g", 0.12 }, { "t", 0.27 },
  { "B", 0.02 }, { "D", 0.02 }, { "H", 0.02 }, { "K", 0.02 }, { "M", 0.02 },
  { "N", 0.02 }, { "R", 0.02 }, { "S", 0.02 }, { "V", 0.02 }, { "W", 0.02 },
  { "Y", 0.02 } }
local HOMO_SAPIENS = { { "a", 0.3029549426680 }, { "c", 0.1979883004921 },
  { "g", 0.1975473066391 }, { "t", 0.3015094502008 } }

local IM, IA, IC = 139968, 3877, 29573
local seed = 42

-- Next pseudo-random number in [0, 1).
local function random()
  seed = (seed * IA + IC) % IM
  return seed / IM
end

local out = {}          -- the output lines, as a writer would buffer them
local letters = {}      -- letter byte -> occurrences over all sections

local function emit(line)
  out[#out + 1] = line
end

-- Tally the letters of a line (each byte counted once).
local function tally(line)
  for i = 1, #line do
    local b = byte(line, i)
    letters[b] = (letters[b] or 0) + 1
  end
end

-- Section 1: the repeat unit, cycled, cut into lines.
local function repeat_fasta(header, source, n)
  emit(header)
  local doubled = source .. source
  local len, pos = #source, 1
  while n > 0 do
    local w = n < WIDTH and n or WIDTH
    local line = sub(doubled, pos, pos + w - 1)
    tally(line)
    emit(line)
    pos = pos + w
    if pos > len then pos = pos - len end
    n = n - w
  end
end

-- Sections 2 and 3: letters drawn by cumulative probability.
local function random_fasta(header, table_, n)
  emit(header)
  local codes, cumulative, acc = {}, {}, 0
  for i, entry in ipairs(table_) do
    acc = acc + entry[2]
    codes[i], cumulative[i] = byte(entry[1]), acc
  end
  local ncodes, buf = #codes, {}
  while n > 0 do
    local w = n < WIDTH and n or WIDTH
    for i = 1, w do
      local r, k = random(), 1
      while k < ncodes and r >= cumulative[k] do k = k + 1 end
      buf[i] = codes[k]
    end
    local line = char(unpack(buf, 1, w))
    tally(line)
    emit(line)
    n = n - w
  end
end

repeat_fasta(">ONE Homo sapiens alu", REPEAT, 2 * N)
local two = #out + 1
random_fasta(">TWO IUB ambiguity codes", IUB, 3 * N)
local three = #out + 1
random_fasta(">THREE Homo sapiens frequency", HOMO_SAPIENS, 5 * N)

print(format("%d lines, %d bytes", #out, #concat(out, "\n")))
for _, i in ipairs({ 2, two + 1, three + 1 }) do print(out[i]) end
print(out[#out])
local keys = {}
for b in pairs(letters) do keys[#keys + 1] = b end
table.sort(keys)
for _, b in ipairs(keys) do io.write(format("%s=%d ", char(b), letters[b])) end
io.write("\n")

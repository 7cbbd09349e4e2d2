-- k-nucleotide: count k-mers of a DNA sequence in hash tables. The sequence is
-- generated in-program the way fasta's third section is (weighted random
-- letters from an LCG), upper-cased, then every substring of length k is
-- counted; we print the 1- and 2-mer frequencies (sorted by count, then name)
-- and the counts of a few longer fragments. Stresses string.sub and hashing.
-- N: the sequence length (default 6000000).
local N = tonumber(arg and arg[1]) or 6000000

local byte, char, sub, format, concat = string.byte, string.char, string.sub, string.format, table.concat
local unpack = unpack or table.unpack

-- Build the sequence: letters drawn by cumulative probability, in 60-char lines.
local function generate(n)
  local codes = { byte("acgt", 1, 4) }
  local cumulative = { 0.3029549426680, 0.5009432431601, 0.6984905497992, 1.0 }
  local seed, lines, buf = 42, {}, {}
  while n > 0 do
    local w = n < 60 and n or 60
    for i = 1, w do
      seed = (seed * 3877 + 29573) % 139968
      local r, k = seed / 139968, 1
      while k < 4 and r >= cumulative[k] do k = k + 1 end
      buf[i] = codes[k]
    end
    lines[#lines + 1] = char(unpack(buf, 1, w))
    n = n - w
  end
  -- Read it back as a FASTA reader would: join the lines, then upper-case.
  return concat(lines):upper()
end

-- Count every substring of length k in one pass over all frames.
local function count_kmers(seq, k)
  local counts = {}
  for i = 1, #seq - k + 1 do
    local key = sub(seq, i, i + k - 1)
    counts[key] = (counts[key] or 0) + 1
  end
  return counts
end

-- Print k-mer frequencies in percent, most frequent first, ties by name.
local function print_frequencies(seq, k)
  local counts, keys, total = count_kmers(seq, k), {}, 0
  for key, c in pairs(counts) do keys[#keys + 1] = key; total = total + c end
  table.sort(keys, function(a, b)
    local ca, cb = counts[a], counts[b]
    if ca ~= cb then return ca > cb end
    return a < b
  end)
  for _, key in ipairs(keys) do
    print(format("%s %0.3f", key, counts[key] * 100 / total))
  end
  print("")
end

local seq = generate(N)
print_frequencies(seq, 1)
print_frequencies(seq, 2)
for _, fragment in ipairs({ "GGT", "GGTA", "GGTATT", "GGTATTTTAATT", "GGTATTTTAATTTATAGT" }) do
  local counts = count_kmers(seq, #fragment)
  print(format("%d\t%s", counts[fragment] or 0, fragment))
end

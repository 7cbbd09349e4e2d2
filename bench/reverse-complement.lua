-- reverse-complement: read FASTA sections and write each sequence's reverse
-- complement (A<->T, C<->G and the IUB ambiguity codes) in 60-char lines.
-- The input is generated in-program (weighted random letters from an LCG)
-- so the benchmark is self-contained; a summary and checksum is printed.
-- Stresses string.reverse, gsub with a table, sub and concat.
-- N: the length of the first section; three sections of N, 2N, 3N (default 2000000).
local N = tonumber(arg and arg[1]) or 2000000

local byte, char, sub, format, concat = string.byte, string.char, string.sub, string.format, table.concat
local unpack = unpack or table.unpack
local floor = math.floor
local WIDTH = 60

-- Complement of every IUB code, for both cases of input (output upper-case).
local COMPLEMENT = {}
do
  local from, to = "ACGTUMRWSYKVHDBN", "TGCAAKYWSRMBDHVN"
  for i = 1, #from do
    local f, t = sub(from, i, i), sub(to, i, i)
    COMPLEMENT[f], COMPLEMENT[f:lower()] = t, t
  end
end

-- Generate a FASTA text with `sections` of the given lengths.
local function generate_input(lengths)
  local alphabet = { byte("acgtACGTBDHKMNRSVWY", 1, -1) }
  local seed, lines, buf = 7, {}, {}
  for s, n in ipairs(lengths) do
    lines[#lines + 1] = format(">SECTION%d generated sequence", s)
    while n > 0 do
      local w = n < WIDTH and n or WIDTH
      for i = 1, w do
        seed = (seed * 3877 + 29573) % 139968
        -- Mostly plain nucleotides, sometimes an ambiguity code.
        local r = floor(seed * 64 / 139968)
        buf[i] = alphabet[(r < 56 and r % 8 or r - 48) + 1]
      end
      lines[#lines + 1] = char(unpack(buf, 1, w))
      n = n - w
    end
  end
  lines[#lines + 1] = ""
  return concat(lines, "\n")
end

-- Reverse-complement one sequence and append it to out in lines of WIDTH.
local function write_section(out, header, parts)
  out[#out + 1] = header
  local rc = concat(parts):reverse():gsub("%a", COMPLEMENT)
  for i = 1, #rc, WIDTH do out[#out + 1] = sub(rc, i, i + WIDTH - 1) end
end

-- Parse the text line by line: '>' starts a new section.
local function reverse_complement(text)
  local out, header, parts = {}, nil, {}
  for line in text:gmatch("[^\n]+") do
    if byte(line, 1) == 62 then
      if header then write_section(out, header, parts) end
      header, parts = line, {}
    else
      parts[#parts + 1] = line
    end
  end
  if header then write_section(out, header, parts) end
  return out
end

local out = reverse_complement(generate_input({ N, 2 * N, 3 * N }))
-- Checksum: a rolling hash over the bytes of every 16th line, plus letter totals.
local hash = 0
for i = 1, #out, 16 do
  local line = out[i]
  for j = 1, #line do hash = (hash * 31 + byte(line, j)) % 2147483647 end
end
local all = concat(out, "\n")
print(format("%d lines, %d bytes, hash %d", #out, #all, hash))
for _, c in ipairs({ "A", "C", "G", "T", "N" }) do
  local _, n = all:gsub(c, "")
  io.write(format("%s=%d ", c, n))
end
io.write("\n")
print(out[2])
print(out[#out])

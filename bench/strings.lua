-- strings: a string-library workout modelled on a report generator. Each
-- round formats records with string.format, joins them with table.concat,
-- then re-parses the text with gmatch/find/match, rewrites it with gsub
-- (pattern, function and table replacements), pads with rep and changes case.
-- Stresses string creation and interning, the pattern matcher and GC.
-- N: the number of rounds of 200 records each (default 3500).
local N = tonumber(arg and arg[1]) or 3500

local format, rep, concat = string.format, string.rep, table.concat
local find, match, gmatch, gsub, sub = string.find, string.match, string.gmatch, string.gsub, string.sub
local upper, lower, byte = string.upper, string.lower, string.byte
local tonumber = tonumber

local NAMES = { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel" }
local ABBREV = { alpha = "A", bravo = "B", charlie = "C", delta = "D" }

-- One round: build 200 records, then parse, transform and measure them.
local function round(r)
  local lines = {}
  for i = 1, 200 do
    local name = NAMES[(r + i) % #NAMES + 1]
    lines[i] = format("%05d|%-8s|%8.2f|%s", i, name, (r * i) % 9973 / 7, rep("x", i % 13))
  end
  local text = concat(lines, "\n")

  -- Parse fields back out and total the amounts.
  local total, count = 0, 0
  for id, name, amount in gmatch(text, "(%d+)|(%a+)%s*|%s*([%d%.]+)") do
    total = total + tonumber(amount) + #name + tonumber(id) % 7
    count = count + 1
  end

  -- Rewrites: abbreviate some names by table, upper-case padding by function.
  local abbreviated, n1 = gsub(text, "%a+", ABBREV)
  local shouted, n2 = gsub(abbreviated, "x+", function(s) return upper(s) .. #s end)
  local squeezed = gsub(shouted, "%s+", " ")

  -- Searches: plain and pattern finds over the rewritten text.
  local hits, pos = 0, 1
  while true do
    local s, e = find(squeezed, "|D|", pos, true)
    if not s then break end
    hits, pos = hits + 1, e + 1
  end
  local first = match(squeezed, "(%d+)|[A-Z]|") or "none"
  local lowered = lower(sub(squeezed, 1, 64))
  return total, count + n1 + n2 + hits, #squeezed + byte(lowered, 7) + #first
end

local total, events, size = 0, 0, 0
for r = 1, N do
  local t, e, s = round(r)
  total, events, size = total + t, events + e, size + s
end
print(format("total %.2f, events %d, size %d", total, events, size))

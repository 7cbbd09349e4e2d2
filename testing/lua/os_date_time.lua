-- os.date, os.time, os.difftime and os.clock. UTC ("!") results are printed
-- for fixed times: every strftime conversion, "*t", the default "%c", empty
-- and long formats, times C cannot convert. Local-time results depend on
-- the machine's zone, so only properties are printed for them: round trips
-- through "*t", mktime's normalisation of out-of-range fields, defaults.
local times = {0, 86400 * 365, 951782400, 1e9, 1234567890, -86400 * 400, 2^31, 4102444799}

-- Every conversion of C99/POSIX strftime in the C locale, in UTC.
local conversions = {
  "a", "A", "b", "B", "c", "C", "d", "D", "e", "F", "g", "G", "h", "H", "I",
  "j", "m", "M", "n", "p", "r", "R", "S", "t", "T", "u", "U", "V", "w", "W",
  "x", "X", "y", "Y", "z", "Z", "%", "Ec", "EC", "Ex", "EX", "Ey", "EY", "Od",
  "Oe", "OH", "OI", "Om", "OM", "OS", "Ou", "OU", "OV", "Ow", "OW", "Oy",
}
for _, t in ipairs(times) do
  local parts = {}
  for _, c in ipairs(conversions) do parts[#parts + 1] = c .. "=" .. os.date("!%" .. c, t) end
  print(t, table.concat(parts, "|"))
end
print(os.date("!%Y-%m-%d %H:%M:%S", 86400 * 365))
print(os.date("!%c", 0), os.date("!%c", 1e9) == os.date("!%a %b  %d %H:%M:%S %Y", 1e9):gsub("  0", "  "))

-- "*t" in UTC: all nine fields (isdst is false).
for _, t in ipairs(times) do
  local d = os.date("!*t", t)
  print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
end
local fields = {}
for k in pairs(os.date("!*t", 0)) do fields[#fields + 1] = k end
table.sort(fields)
print(table.concat(fields, " "))

-- Formats: text around conversions, unknown conversions, a lone '%',
-- the empty format, a format longer than any first buffer, numbers as
-- formats and as times (strings that convert).
print(os.date("!at %H o'clock on %A, 100%%", 3600 * 15))
print(os.date("!%Q|%", 0))
print(os.date("", 0) == "", os.date("!", 0) == "")
print(#os.date("!" .. string.rep("%c", 200), 0), #os.date(string.rep("x", 5000), 0))
print(os.date(12, 0), os.date("!%Y", "86400"))
print(os.date("*t", 2^62), os.date("%Y", 0 / 0), os.date("!*t", -2^62))

-- Local time: consistency between "*t", formats and os.time.
for _, t in ipairs(times) do
  local d = os.date("*t", t)
  local same = os.date("%Y %m %d %H %M %S", t) ==
               string.format("%04d %02d %02d %02d %02d %02d", d.year, d.month, d.day, d.hour, d.min, d.sec)
  print(t, same, os.time(d) == t, type(d.isdst), os.date(nil, t) == os.date("%c", t))
end

-- os.time(table): defaults (hour 12, min and sec 0), fields as numeric
-- strings, fractions truncated, out-of-range fields normalised.
local noon = os.time({year = 2020, month = 6, day = 15})
local d = os.date("*t", noon)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday)
print(os.time({year = "2020", month = "6", day = "15"}) == noon)
print(os.time({year = 2020, month = 6, day = 15.9, hour = 12.5}) == noon)
local function same_day(a, b)
  local x, y = os.date("*t", os.time(a)), os.date("*t", os.time(b))
  return x.year == y.year and x.month == y.month and x.day == y.day and x.hour == y.hour and x.min == y.min
end
print(same_day({year = 2000, month = 13, day = 1}, {year = 2001, month = 1, day = 1}))
print(same_day({year = 2000, month = 3, day = 0}, {year = 2000, month = 2, day = 29}))
print(same_day({year = 2001, month = 3, day = 0}, {year = 2001, month = 2, day = 28}))
print(same_day({year = 2000, month = 1, day = 1, hour = 25, min = -30}, {year = 2000, month = 1, day = 2, hour = 0, min = 30}))
print(same_day({year = 2000, month = 1, day = 1, sec = 7200}, {year = 2000, month = 1, day = 1, hour = 14}))
print(same_day({year = 2000, month = -1, day = 40}, {year = 1999, month = 12, day = 10}))
print(os.difftime(os.time({year = 2000, month = 1, day = 2}), os.time({year = 2000, month = 1, day = 1})))
print(os.difftime(os.time({year = 2001, month = 1, day = 1}), os.time({year = 2000, month = 1, day = 1})) / 86400)

-- The fields are read with metamethods.
local proxy = setmetatable({}, {__index = function(_, k)
  return ({year = 2020, month = 6, day = 15})[k]
end})
print(os.time(proxy) == noon)

-- os.time() and os.date() without arguments: now.
local now = os.time()
print(type(now), now > 1.6e9, now == math.floor(now))
local today = os.date("*t")
print(today.year >= 2024, today.month >= 1 and today.month <= 12, type(os.date()))

-- os.difftime: plain subtraction of whole seconds.
print(os.difftime(10, 4), os.difftime(4, 10), os.difftime(7), os.difftime("9", "2"), os.difftime(2.9, 1.1))

-- os.clock: processor time in seconds, growing with work.
local c0 = os.clock()
local x = 0
for i = 1, 3e6 do x = x + i % 7 end
local c1 = os.clock()
print(type(c0), c0 >= 0, c1 >= c0, x)

-- io on named files: open modes, write (strings and numbers, chaining
-- results), every read format ("*n" as fscanf reads numbers, "*l", "*L",
-- "*a", counts, 0 as an end-of-file test, formats without '*', several per
-- call), seek/flush/setvbuf, file:lines and io.lines with formats, tmpfile,
-- io.type, tostring, the shared metatable, __gc closing files. Files live
-- under a fresh scratch name and are removed.
local scratch_name = dofile("modules/scratch_name.lua")  -- under $TEST_TMPDIR when set
local path = scratch_name()
print(type(path), path:match("/lua_%w+$") ~= nil)

local function show(...)
  local out = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    out[#out + 1] = type(v) == "string" and string.format("%q", v) or tostring(v)
  end
  print(select("#", ...), table.concat(out, " "))
end

local function write_file(text, mode)
  local f = assert(io.open(path, mode or "wb"))
  show(f:write(text))
  assert(f:close())
end

-- Writes content, then shows the results of one read call per format list.
local function read_calls(content, ...)
  write_file(content)
  local f = assert(io.open(path, "rb"))
  for i = 1, select("#", ...) do show(f:read(unpack((select(i, ...))))) end
  f:close()
end

local function read_file()
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

-- write returns true; numbers are written as tostring would.
local f = assert(io.open(path, "w"))
print(io.type(f), tostring(f):match("^file %(0x%x+%)$") ~= nil)
show(f:write("a", 1, " ", 2.5, " ", -0.125, " ", 1e100, " ", 2^53, "\n"))
show(f:write())
print(f:close())
print(io.type(f), tostring(f))
show(read_file())

-- Modes: append, read-update, write-update.
write_file("abc")
write_file("def", "a")
show(read_file())
f = assert(io.open(path, "r+"))
show(f:read(1))
show(f:seek("cur"))
show(f:write("XY"))
f:close()
show(read_file())
f = assert(io.open(path, "w+"))
show(f:read("*a"))
show(f:write("new"))
show(f:seek("set"))
show(f:read("*a"))
f:close()

-- Numbers: what fscanf's %lf accepts, skipping white space, stopping at the
-- first character that cannot continue a number.
read_calls("  12  -3.5e2\n0x1F .5 5. 1e+ inf -nan 7abc\n   ",
           {"*n", "*n"}, {"*n", "*n"}, {"n", "*n"}, {"*n"}, {"*l"}, {"*n"}, {"*a"})
read_calls("1 2 x 3", {"*n", "*n", "*n", "*n"}, {"*a"})

-- Lines: "*l" drops the newline, "*L" keeps it, both return nil at the end;
-- a lone newline is an empty line.
read_calls("first\n\nthird\r\nlast", {}, {"*L"}, {"l"}, {"L"}, {"*l"}, {"*L"})

-- Counts and several formats in one call: results up to the first that
-- fails, which is nil.
local digits = "0123456789\nabc"
read_calls(digits, {3, 0, 2}, {"*l", 2, "*a"}, {0}, {5}, {"*a"}, {"*a", "*l", "*a"}, {1, "*a"})
read_calls(digits, {100})
read_calls(digits, {"*l", "*l", "*l", "*l"})

-- A long line (several buffer sizes) and a big file round-trip.
local long = string.rep("0123456789abcdef", 3000)
write_file(long .. "\n" .. long)
f = assert(io.open(path))
local a, b, c = f:read("*l", "*l", "*l")
print(#a, #b, c, a == long, b == long)
f:close()
show(#read_file())

-- Embedded zeros survive counts and "*a".
read_calls("a\0b\0\nc", {3}, {"*a"})

-- seek: whence names, offsets, the position returned; flush and setvbuf.
write_file("0123456789")
f = assert(io.open(path, "r+"))
show(f:seek())
show(f:seek("end"))
show(f:seek("set", 3))
show(f:read(2))
show(f:seek("cur", -1))
show(f:read(1))
show(f:seek("end", -2))
show(f:read("*a"))
show(f:seek("set", 2.9))
show(f:read(1))
show(f:seek("set", nil))
show(f:setvbuf("no"))
show(f:setvbuf("full", 1024))
show(f:setvbuf("line"))
show(f:write("AB"))
show(f:flush())
f:close()
show(read_file())

-- file:lines: one line per call, formats as in read; io.lines(name)
-- closes the file at the end.
write_file("1 2\n3 4\nfive\n")
f = assert(io.open(path))
for line in f:lines() do show(line) end
print(io.type(f))
f:seek("set")
for x, y in f:lines("*n", "*n") do show(x, y) end
f:close()
for line in io.lines(path) do show(line) end
for line in io.lines(path, "*L") do show(line) end
for a, b in io.lines(path, 1, "*l") do show(a, b) end
for chunk in io.lines(path, 4) do show(chunk) end
local it = io.lines(path)
show(it())
show(it(), it(), it())
print(pcall(it))

-- tmpfile: an anonymous file open for update.
local t = io.tmpfile()
print(io.type(t))
show(t:write("temporary", 42))
show(t:seek("set"))
show(t:read("*a"))
print(t:close())

-- io.type and the handles' shared metatable.
print(io.type(io.stdout), io.type(io.stdin), io.type(io.stderr))
print(io.type(nil), io.type(42), io.type({}), io.type(newproxy()))
local mt = getmetatable(io.stdout)
print(mt == getmetatable(io.stdin), mt.__index == mt, type(mt.__gc), type(mt.__tostring))
local names = {}
for k in pairs(mt) do names[#names + 1] = k end
table.sort(names)
print(table.concat(names, " "))
print(mt.read == io.stdin.read, io.stdout.write == mt.write)

-- __gc closes a file nobody closed: its buffered output reaches the disk.
do
  local g = assert(io.open(path, "w"))
  g:write("written by a handle the collector closed")
  g = nil
end
collectgarbage()
collectgarbage()
show(read_file())

print(os.remove(path))
print(io.open(path) == nil)

-- The errors of io and os, caught with pcall and printed: bad arguments
-- (numbered without self for method calls, "calling 'x' on bad self"),
-- invalid formats and options, closed files, closed default streams,
-- names that cannot be opened, read errors returned as nil, message,
-- errno, and the date table checks of os.time. Calls are wrapped so that
-- the library function is named ('read', 'seek') as luajit names it.

local scratch_name = dofile("modules/scratch_name.lua")  -- under $TEST_TMPDIR when set
local path = scratch_name()

local function try(label, fn)
  local results = {pcall(fn)}
  for i = 1, #results do results[i] = tostring(results[i]) end
  print(label, table.concat(results, " | "))
end

local f = assert(io.open(path, "w"))
-- Formats and options.
try("read x", function() local r = f:read("x") return r end)
try("read *x", function() local r = f:read("*x") return r end)
try("read empty", function() local r = f:read("") return r end)
try("read *", function() local r = f:read("*") return r end)
try("read bool", function() local r = f:read(true) return r end)
try("read table 2nd", function() local r = f:read("*l", {}) return r end)
try("read negative", function() local r = f:read(-1) return r end)
try("seek bad", function() local r = f:seek("bad") return r end)
try("seek table", function() local r = f:seek({}) return r end)
try("seek offset", function() local r = f:seek("set", "x") return r end)
try("seek numstr", function() local r = f:seek("set", "1") return r end)
try("setvbuf bad", function() local r = f:setvbuf("bad") return r end)
try("setvbuf none", function() local r = f:setvbuf() return r end)
try("setvbuf size", function() local r = f:setvbuf("full", "x") return r end)
try("write table", function() local r = f:write("ok", {}) return r end)
try("write bool", function() local r = f:write(true) return r end)
try("io.write nil", function() local r = io.write(nil) return r end)
try("io.read x", function() local r = io.read("x") return r end)
try("io.read table", function() local r = io.read({}) return r end)

-- Not a file: self, plain calls through the metatable, io.close.
try("read no self", function() local r = f.read() return r end)
try("read number", function() local r = f.read(1) return r end)
try("write string", function() local r = f.write("x") return r end)
try("bad self", function() local r = ({read = f.read}):read() return r end)
try("bad self lines", function() local r = ({lines = f.lines}):lines() return r end)
try("close number", function() local r = io.close(1) return r end)
try("close proxy", function() local r = io.close(newproxy()) return r end)
try("tostring bad", function() local r = getmetatable(f).__tostring({}) return r end)
try("gc bad", function() local r = getmetatable(f).__gc(1) return r end)

-- Library functions' own arguments.
try("type none", function() local r = io.type() return r end)
try("open none", function() local r = io.open() return r end)
try("open mode", function() local r = io.open(path, {}) return r end)
try("popen none", function() local r = io.popen() return r end)
try("input table", function() local r = io.input({}) return r end)
try("output bool", function() local r = io.output(true) return r end)
try("input proxy", function() local r = io.input(newproxy()) return r end)
try("lines table", function() local r = io.lines({}) return r end)

-- Names that cannot be opened: a result for io.open, an error for the rest.
print(io.open("/nonexistent/file"))
print(io.open("/nonexistent/file", "w"))
local z1, z2, z3 = io.open(path, "z")
print(z1, z2 == path .. ": Invalid argument", z3)
print(io.open("/tmp", "w"))
try("lines missing", function() local r = io.lines("/nonexistent/file") return r end)
try("input missing", function() local r = io.input("/nonexistent/file") return r end)
try("output dir", function() local r = io.output("/nonexistent/dir/file") return r end)

-- Read errors come back as nil, message, errno.
print(f:read())
print(f:read("*a"))
print(f:read(5))
local r = assert(io.open(path))
print(r:write("x"))
r:close()

-- Closed files.
f:close()
try("closed read", function() local r = f:read() return r end)
try("closed write", function() local r = f:write("x") return r end)
try("closed lines", function() local r = f:lines() return r end)
try("closed seek", function() local r = f:seek() return r end)
try("closed flush", function() local r = f:flush() return r end)
try("closed setvbuf", function() local r = f:setvbuf("no") return r end)
try("closed close", function() local r = f:close() return r end)
try("closed io.close", function() local r = io.close(f) return r end)
try("closed output", function() local r = io.output(f) return r end)
try("closed input", function() local r = io.input(f) return r end)
print(tostring(f), io.type(f))
local g = assert(io.open(path))
local iterate = g:lines()
g:close()
try("closed iterator", function() local r = iterate() return r end)
try("closed in for", function() for line in iterate do end end)

-- A lines iterator checks its formats when it runs.
try("lines format", function() for l in io.lines(path, "x") do end end)
local many = {}
for i = 1, 61 do many[i] = "*l" end
try("lines 61 formats", function() local r = io.lines(path, unpack(many)) return r end)

-- Closed default streams.
io.output(path)
io.close()
try("default write", function() local r = io.write("x") return r end)
try("default flush", function() local r = io.flush() return r end)
try("default close", function() local r = io.close() return r end)
io.output(io.stdout)
io.input(path)
io.input():close()
try("default read", function() local r = io.read() return r end)
try("default lines", function() for l in io.lines() do end end)
io.input(io.stdin)

-- os: argument checks and date tables.
try("date table", function() local r = os.date({}) return r end)
try("date time", function() local r = os.date("%Y", "x") return r end)
try("time number", function() local r = os.time(1) return r end)
try("time empty", function() local r = os.time({}) return r end)
try("time no month", function() local r = os.time({year = 2000, day = 1}) return r end)
try("time no year", function() local r = os.time({month = 1, day = 1}) return r end)
try("time bad year", function() local r = os.time({year = "x", month = 1, day = 1}) return r end)
try("time bool day", function() local r = os.time({year = 2000, month = 1, day = true}) return r end)
try("difftime none", function() local r = os.difftime() return r end)
try("difftime bad", function() local r = os.difftime(1, {}) return r end)
try("getenv none", function() local r = os.getenv() return r end)
try("remove none", function() local r = os.remove() return r end)
try("rename one", function() local r = os.rename(path) return r end)
try("execute table", function() local r = os.execute({}) return r end)
try("exit string", function() local r = os.exit("x") return r end)
try("exit table", function() local r = os.exit({}) return r end)
try("setlocale bad", function() local r = os.setlocale(nil, "bad") return r end)
try("setlocale table", function() local r = os.setlocale({}) return r end)

-- Uncaught errors carry the caller's position; a builtin called in a tail
-- position has none and is named '?'.
print(pcall(function() return io.open(path):read("bad") end))
print(pcall(function() local x = io.type() end))
print(os.remove(path))

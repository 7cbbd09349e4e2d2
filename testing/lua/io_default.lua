-- The default streams and pipes: io.output/io.input with names and
-- handles, io.write/io.read/io.lines()/io.flush/io.close() on them, what
-- happens once a default file is closed, io.popen for reading and writing,
-- and how print, io.write, io.stdout:write and io.stderr:write interleave
-- when stdout and stderr share one pipe (checked in a child interpreter,
-- this one's own executable, whose output is read through io.popen). Files
-- live under fresh scratch names and are removed.
local scratch_name = dofile("modules/scratch_name.lua")  -- under $TEST_TMPDIR when set
local path = scratch_name()
-- The running interpreter: the parent of the shell popen starts.
local finder = assert(io.popen("readlink /proc/$PPID/exe"))
local interpreter = finder:read("*l") or ""
finder:close()
-- Only a Lua command line will do: a program embedding the VM (a test
-- binary running the corpus) must not be started again, so anything else
-- falls back to the reference, luajit.
if not (interpreter:match("/ljit$") or interpreter:match("/luajit[^/]*$")) then interpreter = "luajit" end

print(io.output() == io.stdout, io.input() == io.stdin)

-- io.output(name) opens for writing; io.write returns true.
local out = io.output(path)
print(io.type(out), io.output() == out)
print(io.write("alpha\n", 12, "\n", 3.25, "\n"))
print(io.write())
print(io.flush())
print(io.close())
print(io.type(out))
print(pcall(io.write, "lost"))
print(pcall(io.flush))
print(pcall(io.close))
print(io.output(io.stdout) == io.stdout)

-- io.input(name) opens for reading; io.read takes the same formats.
local input = io.input(path)
print(io.type(input), io.input() == input)
print(io.read())
print(io.read("*n", "*n"))
print(io.read("*L"))
print(io.read("*a"))
print(io.read(), io.read(0), io.read("*a"))
input:seek("set")
for line in io.lines() do print("line", line) end
print(io.type(input))
input:seek("set")
for n in io.lines(nil, "*n") do print("number", n) end
print(input:close())
print(pcall(io.read))
print(pcall(function() for l in io.lines() do end end))
print(io.input(io.stdin) == io.stdin)

-- A handle works as a default too; closing it through io.close(handle).
local h = assert(io.open(path, "a"))
print(io.output(h) == h)
io.write("appended\n")
print(io.close(h))
io.output(io.stdout)
for line in io.lines(path) do io.write("[", line, "]") end
io.write("\n")

-- Standard files cannot be closed.
print(io.stdout:close())
print(io.close(io.stderr))
print(io.type(io.stdout))

-- Pipes: reading a command's output, writing to a command's input.
local p = assert(io.popen("echo first; printf 'a\\nb'"))
print(io.type(p))
for line in p:lines() do print("piped", line) end
print(p:close())
print(io.type(p))
p = assert(io.popen("exit 7"))
print(p:read("*a"))
print(p:close())
print("before cat")
local w = assert(io.popen("cat", "w"))
print(w:write("through cat\n"))
print(w:close())
print("after cat")

-- print writes each value as soon as it has it: a failing __tostring
-- leaves the earlier values written; a number from tostring is accepted.
print(pcall(print, "kept", setmetatable({}, {__tostring = function() error("boom", 0) end})))
local saved_tostring = tostring
tostring = function(v) return 42 end
print("via", "number")
tostring = saved_tostring

-- Interleaving on one pipe: stdout is fully buffered there, stderr is not.
local child = [[
print("print 1")
io.write("write 1\n")
io.stdout:write("stdout 1\n")
io.stderr:write("stderr 1\n")
print("print 2")
io.stdout:flush()
io.stderr:write("stderr 2\n")
io.stdout:setvbuf("no")
io.write("unbuffered\n")
io.stderr:write("stderr 3\n")
io.stdout:setvbuf("full")
print("print 3")
os.execute("echo from a child process")
io.stderr:write("stderr 4\n")
print("print 4")
]]
local script = scratch_name()
local s = assert(io.open(script, "w"))
s:write(child)
s:close()
local run = assert(io.popen("'" .. interpreter .. "' " .. script .. " 2>&1"))
io.write(run:read("*a"))
print(run:close())

-- Reading the default input from a pipe.
run = assert(io.popen("printf '5 6\\nrest\\nmore\\n' | '" .. interpreter .. "' -e " ..
                      "\"print(io.read('*n', '*n')) print(io.read()) for l in io.lines() do print(l) end\""))
io.write(run:read("*a"))
run:close()

print(os.remove(script), os.remove(path))

-- os.getenv, os.remove, os.rename, os.tmpname, os.setlocale, os.execute
-- (system()'s raw status, as LuaJIT without 5.2 mode returns it) and
-- os.exit (status numbers, true/false, buffered output flushed) run in a
-- child interpreter, this one's own executable. Failures return nil,
-- "name: reason", errno. Files live under fresh scratch names and are
-- removed.
local finder = assert(io.popen("readlink /proc/$PPID/exe"))
local interpreter = finder:read("*l") or ""
finder:close()
-- Only a Lua command line will do: a program embedding the VM (a test
-- binary running the corpus) must not be started again, so anything else
-- falls back to the reference, luajit.
if not (interpreter:match("/ljit$") or interpreter:match("/luajit[^/]*$")) then interpreter = "luajit" end

print(package.loaded.os == os, package.loaded.io == io)

-- getenv: strings for set variables, nil otherwise.
print(type(os.getenv("PATH")), os.getenv("LJ_SURELY_UNSET_VARIABLE"))
print(os.getenv("PATH") == io.popen("printf %s \"$PATH\""):read("*a"))

-- tmpname creates an empty file with a fresh name each time.
local a, b = os.tmpname(), os.tmpname()
print(a:match("^/tmp/lua_%w+$") ~= nil, a ~= b, io.open(a):read("*a"))

-- rename and remove: true, or nil, message, errno.
print(os.rename(a, b))
print(io.open(a) == nil, io.open(b) ~= nil)
local r1, r2, r3 = os.rename(a, b)
print(r1, r2 == a .. ": No such file or directory", r3)
print(os.remove(b))
local m1, m2, m3 = os.remove(b)
print(m1, m2 == b .. ": No such file or directory", m3)
print(os.rename("/nonexistent/dir/x", "/tmp/y"))
local scratch_name = dofile("modules/scratch_name.lua")  -- under $TEST_TMPDIR when set
local dir = scratch_name()
os.remove(dir)
print(os.execute("mkdir " .. dir .. " && touch " .. dir .. "/x"))
local e1, e2, e3 = os.remove(dir)
print(e1, e2 == dir .. ": Directory not empty", e3)
print(os.remove(dir .. "/x"), os.remove(dir), io.open(dir) == nil)

-- setlocale: queries and the C locale; unknown locales give nil.
print(os.setlocale(), os.setlocale(nil, "numeric"), os.setlocale("C"), os.setlocale("C", "time"))
for _, category in ipairs({"all", "collate", "ctype", "monetary", "numeric", "time"}) do
  io.write(category, "=", tostring(os.setlocale(nil, category)), " ")
end
print()
print(os.setlocale("no_SUCH.locale"), os.setlocale("POSIX", "ctype"), os.setlocale("C", "ctype"))

-- execute: system()'s status word (exit code times 256), 1 without a command.
print(os.execute(), os.execute("true"), os.execute("exit 3"), os.execute("exit 255"))
io.stdout:flush()
print(os.execute("echo from the shell"))

-- exit: statuses seen by the parent, output flushed on the way out.
local function run(code)
  local p = assert(io.popen("'" .. interpreter .. "' -e \"" .. code .. "\"; echo \" status=$?\""))
  local out = p:read("*a")
  p:close()
  return out
end
io.write(run("io.write('buffered') os.exit()"))
io.write(run("print('printed') os.exit(0)"))
io.write(run("io.write('three') os.exit(3)"))
io.write(run("os.exit(true)"))
io.write(run("os.exit(false)"))
io.write(run("os.exit(true, true)"))
io.write(run("os.exit('7')"))
io.write(run("os.exit(258)"))
io.write(run("io.stdout:setvbuf('full') io.stdout:write('kept') os.exit(1)"))
io.write(run("local f = io.open('/dev/stdout', 'w') f:write('unclosed file ') os.exit(0)"))
io.write(run("os.exit(2) print('never')"))

-- hello.lua: the first program to run.
--
--   bazel-bin/ljit examples/hello.lua        run it
--   bazel-bin/ljit -bl examples/hello.lua    list its bytecode
--
-- The listing shows what the front end made of these lines: GGET fetches the
-- global `print`, KSTR loads the string constant, CALL calls it.
print("Hello from lj!")

-- `_VERSION` is "Lua 5.1": ljit implements Lua 5.1 with LuaJIT's extensions.
print("Language: " .. _VERSION)

-- A local, a loop and string formatting, all in a few lines.
local greeting = "hello"
for i = 1, 3 do
  print(string.format("%d: %s", i, greeting:upper()))
end

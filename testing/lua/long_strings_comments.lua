-- Long strings and long comments at various levels, comments at the end of
-- lines and of the file, and line counting across them (errors report the
-- right line afterwards).
--[[ a long comment
spanning lines ]] print("after long comment")
--[==[ level-2 comment with ]] and ]=] inside
]==]
local s = [[
first
second]]
print(s, #s)
local t = { [[a]], [=[b]=], [==[
c]==] }
print(table.concat(t, "|"))
--[[]] print("empty long comment")
-- a line comment --[[ not long ]] print("never")
print("line", debug.getinfo(1, "l").currentline)
local multi = [[
1
2
3
]]
print(#multi, select(2, multi:gsub("\n", "")))
print(pcall(error, "here")) -- error with level 1 from error itself
local ok, msg = pcall(function()
  --[[
  many
  lines
  ]]
  error("at line 30")
end)
print(ok, msg)
--[=[ trailing long comment
]=]
-- final comment without newline at end
-- no newline
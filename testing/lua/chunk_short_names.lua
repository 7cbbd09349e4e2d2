-- Chunk names of source strings as luajit shortens them: the first
-- control character or NUL ends the name, long names keep 45 bytes.
for _, n in ipairs({39, 40, 41, 100}) do
  local s = 'return 1' .. string.rep(' ', n)
  print(#s, debug.getinfo(loadstring(s)).short_src)
end
for _, s in ipairs({'x=1\r\nreturn 1', 'x=1\treturn 1', 'x=1 return 1', '', '\nreturn 1', 'return "\0"'}) do
  print(debug.getinfo(loadstring(s)).short_src)
end
print(pcall(loadstring("error('boom')\n")))

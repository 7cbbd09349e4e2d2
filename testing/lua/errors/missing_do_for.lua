-- 'do' is missing after a numeric for header.
for i = 1, 2 print(i) end

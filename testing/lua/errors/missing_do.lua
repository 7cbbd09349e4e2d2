-- 'do' is missing after a while condition.
while x print(1) end

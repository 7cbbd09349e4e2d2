-- 'break' with no enclosing loop.
local x = 1
break

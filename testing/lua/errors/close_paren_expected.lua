-- A call's argument list is not closed.
print(1, 2
local y = 3

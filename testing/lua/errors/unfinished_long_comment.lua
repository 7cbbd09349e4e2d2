-- A long comment that is never closed.
--[==[ abc
print(1)
]]

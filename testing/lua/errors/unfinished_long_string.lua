-- A long string that is never closed.
local s = [[abc
def

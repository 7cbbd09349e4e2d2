-- A function body that is never closed.
local function f()
  return 1

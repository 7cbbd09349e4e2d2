-- A fresh scratch file name for the io/os corpus programs: os.tmpname()'s,
-- moved under $TEST_TMPDIR when a test runner sets it, so that a run
-- stopped halfway leaves /tmp clean.
return function()
  local name = os.tmpname()
  local dir = os.getenv("TEST_TMPDIR")
  if not dir then return name end
  os.remove(name)
  return dir .. name:match("/[^/]*$")
end

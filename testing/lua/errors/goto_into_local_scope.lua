-- goto jumping forward past a local declaration into its scope.
goto skip
local x = 1
::skip::
print(x)

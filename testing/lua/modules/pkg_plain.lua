-- A module that returns a table and sees the name require passed.
local name = ...
print("loading pkg_plain as", name)
return {name = name, answer = 42}

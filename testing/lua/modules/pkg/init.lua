-- A package directory found through ?/init.lua.
return "pkg/init"

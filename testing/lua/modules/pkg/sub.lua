-- A dotted module name: pkg.sub -> pkg/sub.lua, in module() style.
module(...)
value = "sub value"

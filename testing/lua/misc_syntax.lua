#!/usr/bin/env luajit
-- Odd corners of the grammar: a shebang first line (skipped by the loader),
-- `return;` with a semicolon, empty functions and blocks, statements ending
-- in `;`, chained suffixes mixing field/index/method/string-call, keywords
-- as table keys via ["..."], parenthesised expressions as statements'
-- prefixes, and a main chunk that ends with `return`.
local function nothing() end
local function semi() return; end
local function empty_blocks()
  do end
  if true then end
  while false do end
  for i = 1, 0 do end
  for k in pairs({}) do end
  repeat until true
  return "empty blocks ok"
end
print(select("#", nothing()), select("#", semi()), empty_blocks());
local x = 1; local y = 2; print(x + y);
local obj = { list = { { name = "first", f = function(self, s) return self.name .. s end } } }
print(obj.list[1]:f"!", obj["list"][1].name, (obj).list[1]["name"]:upper())
local kw = { ["end"] = 1, ["while"] = 2, ["function"] = 3, ["nil"] = 4 }
print(kw["end"] + kw["while"] + kw["function"] + kw["nil"])
local names = { _ = 1, _G_ = 2, __ = 3, a1_b2 = 4, CamelCase = 5 }
print(names._ + names._G_ + names.__ + names.a1_b2 + names.CamelCase);
(print)("parenthesised callee");
local s = ("abc"):rep(2) print(s)
local t = {} t.a = {} t.a.b = {} t.a.b.c = "chain" print(t.a.b.c)
local n = #{ 1, 2, 3 } + #"four" print(n)
local f = function(...) return ... end print((f(1, 2)))
print(2^-2, - 2, not nil == true, 1 .. "", 0x.1, 1e-2, 3 % -2)
local very_long_identifier_name_that_goes_on_and_on_to_test_the_lexer = 42
print(very_long_identifier_name_that_goes_on_and_on_to_test_the_lexer)
local a,b,c=1,2,"3"print(a,b,c)
local tab	=	{	1	,	2	}	print(#tab)
return "main chunk result ignored"

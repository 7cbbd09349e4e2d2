-- Lua patterns through find, match, gmatch and gsub: character classes,
-- sets and ranges, quantifiers (* + - ?), anchors, captures (including
-- position captures and back-references), %b, %f, and gsub with string,
-- table and function replacements and a replacement limit.
print(string.find("hello world", "wor"))
print(string.find("hello world", "o", 6))
print(string.find("hello world", "l+"))
print(string.find("a.b.c", ".", 1, true))
print(string.find("a.b.c", "%."))
print(string.find("abc", "x"))
print(string.find("abc", "", 10), string.find("abc", "", 4))
print(string.find("hello", "(l)(l)"))
print(string.find("  trim  ", "^%s*(.-)%s*$"))

print(string.match("key = value", "(%w+)%s*=%s*(%w+)"))
print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
print(string.match("hello", "()ll()"))
print(string.match("  x", "^%s*$"), string.match("   ", "^%s*$"))
print(string.match("abc123def", "%a+"), string.match("abc123def", "%d+"), string.match("abc123def", "%a+$"))
print(string.match("[[nested]]", "%[(%b[])%]"))
print(string.match("f(a(b)c)d", "%b()"))
print(string.match("THE (quick) fox", "%f[%a]%a+"), string.match("THE (quick) fox", "%f[%l]%a+"))
print(string.match("say \"hi\" and 'bye'", "([\"'])(.-)%1"))
print(string.match("aaa", "a-b"), string.match("aaab", "a-b"), string.match("aaa", "^a?a?$"))
print(string.match("x = 10", "[%w_]+"), string.match("_id9", "^[%a_][%w_]*$"))
print(string.match("tab\there", "%c"), string.match("p.u,n;c", "%p+"), string.match("MiXeD", "%u%l%u"))
print(string.match("0x1F", "^0[xX](%x+)$"), string.match("a-b", "[a%-]+"), string.match("]", "[]]"))
print(string.match("^caret", "[%^c]+"), string.match("abc", "[^a]+"), string.match("hello", ".-(l+)"))

local words = {}
for w in string.gmatch("one two  three", "%S+") do words[#words + 1] = w end
print(#words, table.concat(words, "|"))
local kv = {}
for k, v in string.gmatch("a=1,b=22,c=333", "(%w+)=(%d+)") do kv[#kv + 1] = k .. v end
print(table.concat(kv, " "))
for pos in string.gmatch("abcabc", "()b") do io.write(pos, " ") end
print()

print(string.gsub("hello world", "o", "0"))
print(string.gsub("hello world", "o", "0", 1))
print(string.gsub("hello world", "(%w+)", "<%1>"))
print(string.gsub("hello world", "%w+", "%0 %0"))
print(string.gsub("abc", "", "-"))
print(string.gsub("$name is $age", "%$(%w+)", { name = "Bob", age = 42 }))
print(string.gsub("$name is $unknown", "%$(%w+)", { name = "Bob" }))
print(string.gsub("1 2 3", "%d", function(d) return d * 2 end))
print(string.gsub("keep this", "%w+", function(w) if w == "this" then return "THAT" end end))
print(string.gsub("a,b,,c", ",", ";"))
print(string.gsub("escape %", "%%", "%%%%"))
print(string.gsub("  padded  ", "^%s+", ""))
print(string.gsub("CamelCaseString", "(%u)", function(c) return "_" .. c:lower() end))
print(string.gsub("abc", ".", { a = 1, b = false }))
print(pcall(string.gsub, "abc", ".", { b = true }))
print(pcall(string.gsub, "abc", "(a", "x"))
print(pcall(string.gsub, "abc", "a)", "x"))
print(pcall(string.gsub, "abc", "%", "x"))
print(pcall(string.find, "abc", "[a"))
print(pcall(string.gsub, "abc", "a", "%2"))
print(string.rep("ab", 3), string.rep("x", 0), string.rep("ab", 3, ","))

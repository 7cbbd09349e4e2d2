-- Deep nesting of blocks, functions, parentheses, table constructors and
-- expressions; every level keeps a local so register allocation and
-- upvalue indices across levels are exercised.
local r = ((((((((((1 + 2) * 3) - 4) / 5) + 6) * 7) - 8) / 9) + 10) * 11)
print(r)
local deep = { { { { { { { { { { "bottom" } } } } } } } } } }
print(deep[1][1][1][1][1][1][1][1][1][1])

local function l1(a)
  local v1 = a + 1
  return function(b)
    local v2 = v1 + b
    return function(c)
      local v3 = v2 + c
      return function(d)
        local v4 = v3 + d
        return function(e)
          local v5 = v4 + e
          return function(f)
            local v6 = v5 + f
            return function(g)
              return v1, v2, v3, v4, v5, v6, v6 + g + a
            end
          end
        end
      end
    end
  end
end
print(l1(1)(2)(3)(4)(5)(6)(7))

local out = {}
for a = 1, 2 do
  if a > 0 then
    do
      local b = a * 2
      while b > 0 do
        repeat
          if b % 2 == 0 then
            for c = 1, 2 do
              do
                if c == 2 then
                  local d = a + b + c
                  out[#out + 1] = d
                end
              end
            end
          else
            out[#out + 1] = -b
          end
          b = b - 1
        until true
      end
    end
  end
end
print(table.concat(out, " "))

local s = "x"
s = "(" .. ("[" .. ("{" .. ("<" .. s .. ">") .. "}") .. "]") .. ")"
print(s)
print(not not not not not not not nil, - - - - - -5)
local nested_calls = tostring(tonumber(tostring(tonumber(tostring(42)))))
print(nested_calls, select(1, select(1, select(1, "a", "b"), "c"), "d"))
local tbl = { f = { g = { h = function() return { i = { j = "end" } } end } } }
print(tbl.f.g.h().i.j, tbl["f"]["g"]["h"]()["i"]["j"])

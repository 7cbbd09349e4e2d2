-- Opcodes that ordinary code produces rarely, each used several times in a
-- way whose result is printed: ISFC/ISTC (value-context and/or into an
-- existing local), SUBNV/MODNV/DIVNV (constant on the left), USETS/USETN/
-- USETP (upvalue stores of constants), KNIL ranges, TSETM, CALLMT, RETM.
local function isfc_istc(a, b)
  local r = "init"
  r = a and b          -- ISFC: keep a if falsy
  local s = "init"
  s = a or b           -- ISTC: keep a if truthy
  local u = 0
  u = (a and b) or "fallback"
  return r, s, u
end
print(isfc_istc(1, 2)) print(isfc_istc(false, 2)) print(isfc_istc(nil, nil)) print(isfc_istc(0, false))

local function nv(x)
  return 100 - x, 100 % x, 100 / x, 1 - x, 7 % x, 2 / x, -1 - x, 0.5 % x
end
print(nv(3)) print(nv(-4)) print(nv(0.25))

local s, n, p = "s", 0, 0
local function stores(k)
  if k == 1 then s = "one" n = 1 p = true
  elseif k == 2 then s = "two" n = 2.5 p = false
  elseif k == 3 then s = "three" n = -3 p = nil
  else s = "other" n = 1e10 p = true end
  return s, n, p
end
for k = 1, 4 do print(stores(k)) end

local function knil()
  local a, b, c, d, e, f, g = 1, nil, nil, nil, nil, nil, 2
  local h, i, j
  return a, b, c, d, e, f, g, h, i, j
end
print(knil())

local function tsetm(...) local t = { "x", "y", ... } return #t, t[3], t[#t] end
print(tsetm(1, 2, 3)) print(tsetm()) print(tsetm(1, nil))

local function callmt(...) return math.max(...) end
local function retm(...) return "head", ... end
print(callmt(3, 9, 2), retm(), retm(1, 2))

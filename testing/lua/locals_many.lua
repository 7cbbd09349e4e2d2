-- Many locals in one function (close to the 200 limit) and many live
-- temporaries: register numbers above 127 and wide operands.
local function many()
  local a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  local b1, b2, b3, b4, b5, b6, b7, b8, b9, b10 = 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
  local c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 = 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
  local d1, d2, d3, d4, d5, d6, d7, d8, d9, d10 = 31, 32, 33, 34, 35, 36, 37, 38, 39, 40
  local e1, e2, e3, e4, e5, e6, e7, e8, e9, e10 = 41, 42, 43, 44, 45, 46, 47, 48, 49, 50
  local f1, f2, f3, f4, f5, f6, f7, f8, f9, f10 = 51, 52, 53, 54, 55, 56, 57, 58, 59, 60
  local g1, g2, g3, g4, g5, g6, g7, g8, g9, g10 = 61, 62, 63, 64, 65, 66, 67, 68, 69, 70
  local h1, h2, h3, h4, h5, h6, h7, h8, h9, h10 = 71, 72, 73, 74, 75, 76, 77, 78, 79, 80
  local i1, i2, i3, i4, i5, i6, i7, i8, i9, i10 = 81, 82, 83, 84, 85, 86, 87, 88, 89, 90
  local j1, j2, j3, j4, j5, j6, j7, j8, j9, j10 = 91, 92, 93, 94, 95, 96, 97, 98, 99, 100
  local k1, k2, k3, k4, k5, k6, k7, k8, k9, k10 = 101, 102, 103, 104, 105, 106, 107, 108, 109, 110
  local l1, l2, l3, l4, l5, l6, l7, l8, l9, l10 = 111, 112, 113, 114, 115, 116, 117, 118, 119, 120
  local m1, m2, m3, m4, m5, m6, m7, m8, m9, m10 = 121, 122, 123, 124, 125, 126, 127, 128, 129, 130
  local n1, n2, n3, n4, n5, n6, n7, n8, n9, n10 = 131, 132, 133, 134, 135, 136, 137, 138, 139, 140
  local o1, o2, o3, o4, o5, o6, o7, o8, o9, o10 = 141, 142, 143, 144, 145, 146, 147, 148, 149, 150
  local p1, p2, p3, p4, p5, p6, p7, p8, p9, p10 = 151, 152, 153, 154, 155, 156, 157, 158, 159, 160
  local q1, q2, q3, q4, q5, q6, q7, q8, q9, q10 = 161, 162, 163, 164, 165, 166, 167, 168, 169, 170
  local r1, r2, r3, r4, r5, r6, r7, r8, r9, r10 = 171, 172, 173, 174, 175, 176, 177, 178, 179, 180
  local s1, s2, s3, s4, s5, s6, s7, s8, s9, s10 = 181, 182, 183, 184, 185, 186, 187, 188, 189, 190
  local total = a1 + a10 + b5 + c7 + d2 + e9 + f3 + g8 + h4 + i6 + j1 + k10 + l5 + m7
  total = total + n2 + o9 + p3 + q8 + r4 + s10
  local sum = 0
  for idx = 1, 3 do
    local t = { s1, s2, s3, s4, s5, s6, s7, s8, s9, s10 }
    sum = sum + t[idx] * idx + r10 - q1
  end
  -- Calls and table constructors with operands in high registers.
  local parts = { tostring(s9), tostring(m8), tostring(a2) }
  local f = function() return s10 + a1 + m5 end
  return total, sum, table.concat(parts, ","), f(), select("#", s1, s2, s3)
end
print(many())

-- Long jumps: loop bodies and if/else branches spanning thousands of
-- instructions, so JMP/FORI/FORL/LOOP offsets are large; generated once
-- by a script but kept as plain source.
local acc = 0
local t = {}
for i = 1, 3 do
  acc = acc + i * 0 - 0; t[1] = acc
  acc = acc + i * 1 - 1; t[2] = acc
  acc = acc + i * 2 - 2; t[3] = acc
  acc = acc + i * 3 - 3; t[4] = acc
  acc = acc + i * 4 - 4; t[5] = acc
  acc = acc + i * 5 - 0; t[6] = acc
  acc = acc + i * 6 - 1; t[7] = acc
  acc = acc + i * 7 - 2; t[8] = acc
  acc = acc + i * 8 - 3; t[9] = acc
  acc = acc + i * 9 - 4; t[10] = acc
  acc = acc + i * 10 - 0; t[11] = acc
  acc = acc + i * 11 - 1; t[12] = acc
  acc = acc + i * 12 - 2; t[13] = acc
  acc = acc + i * 13 - 3; t[14] = acc
  acc = acc + i * 14 - 4; t[15] = acc
  acc = acc + i * 15 - 0; t[16] = acc
  acc = acc + i * 16 - 1; t[17] = acc
  acc = acc + i * 0 - 2; t[18] = acc
  acc = acc + i * 1 - 3; t[19] = acc
  acc = acc + i * 2 - 4; t[20] = acc
  acc = acc + i * 3 - 0; t[21] = acc
  acc = acc + i * 4 - 1; t[22] = acc
  acc = acc + i * 5 - 2; t[23] = acc
  acc = acc + i * 6 - 3; t[24] = acc
  acc = acc + i * 7 - 4; t[25] = acc
  acc = acc + i * 8 - 0; t[26] = acc
  acc = acc + i * 9 - 1; t[27] = acc
  acc = acc + i * 10 - 2; t[28] = acc
  acc = acc + i * 11 - 3; t[29] = acc
  acc = acc + i * 12 - 4; t[30] = acc
  acc = acc + i * 13 - 0; t[31] = acc
  acc = acc + i * 14 - 1; t[32] = acc
  acc = acc + i * 15 - 2; t[33] = acc
  acc = acc + i * 16 - 3; t[34] = acc
  acc = acc + i * 0 - 4; t[35] = acc
  acc = acc + i * 1 - 0; t[36] = acc
  acc = acc + i * 2 - 1; t[37] = acc
  acc = acc + i * 3 - 2; t[38] = acc
  acc = acc + i * 4 - 3; t[39] = acc
  acc = acc + i * 5 - 4; t[40] = acc
  acc = acc + i * 6 - 0; t[41] = acc
  acc = acc + i * 7 - 1; t[42] = acc
  acc = acc + i * 8 - 2; t[43] = acc
  acc = acc + i * 9 - 3; t[44] = acc
  acc = acc + i * 10 - 4; t[45] = acc
  acc = acc + i * 11 - 0; t[46] = acc
  acc = acc + i * 12 - 1; t[47] = acc
  acc = acc + i * 13 - 2; t[48] = acc
  acc = acc + i * 14 - 3; t[49] = acc
  acc = acc + i * 15 - 4; t[50] = acc
  acc = acc + i * 16 - 0; t[1] = acc
  acc = acc + i * 0 - 1; t[2] = acc
  acc = acc + i * 1 - 2; t[3] = acc
  acc = acc + i * 2 - 3; t[4] = acc
  acc = acc + i * 3 - 4; t[5] = acc
  acc = acc + i * 4 - 0; t[6] = acc
  acc = acc + i * 5 - 1; t[7] = acc
  acc = acc + i * 6 - 2; t[8] = acc
  acc = acc + i * 7 - 3; t[9] = acc
  acc = acc + i * 8 - 4; t[10] = acc
  acc = acc + i * 9 - 0; t[11] = acc
  acc = acc + i * 10 - 1; t[12] = acc
  acc = acc + i * 11 - 2; t[13] = acc
  acc = acc + i * 12 - 3; t[14] = acc
  acc = acc + i * 13 - 4; t[15] = acc
  acc = acc + i * 14 - 0; t[16] = acc
  acc = acc + i * 15 - 1; t[17] = acc
  acc = acc + i * 16 - 2; t[18] = acc
  acc = acc + i * 0 - 3; t[19] = acc
  acc = acc + i * 1 - 4; t[20] = acc
  acc = acc + i * 2 - 0; t[21] = acc
  acc = acc + i * 3 - 1; t[22] = acc
  acc = acc + i * 4 - 2; t[23] = acc
  acc = acc + i * 5 - 3; t[24] = acc
  acc = acc + i * 6 - 4; t[25] = acc
  acc = acc + i * 7 - 0; t[26] = acc
  acc = acc + i * 8 - 1; t[27] = acc
  acc = acc + i * 9 - 2; t[28] = acc
  acc = acc + i * 10 - 3; t[29] = acc
  acc = acc + i * 11 - 4; t[30] = acc
  acc = acc + i * 12 - 0; t[31] = acc
  acc = acc + i * 13 - 1; t[32] = acc
  acc = acc + i * 14 - 2; t[33] = acc
  acc = acc + i * 15 - 3; t[34] = acc
  acc = acc + i * 16 - 4; t[35] = acc
  acc = acc + i * 0 - 0; t[36] = acc
  acc = acc + i * 1 - 1; t[37] = acc
  acc = acc + i * 2 - 2; t[38] = acc
  acc = acc + i * 3 - 3; t[39] = acc
  acc = acc + i * 4 - 4; t[40] = acc
  acc = acc + i * 5 - 0; t[41] = acc
  acc = acc + i * 6 - 1; t[42] = acc
  acc = acc + i * 7 - 2; t[43] = acc
  acc = acc + i * 8 - 3; t[44] = acc
  acc = acc + i * 9 - 4; t[45] = acc
  acc = acc + i * 10 - 0; t[46] = acc
  acc = acc + i * 11 - 1; t[47] = acc
  acc = acc + i * 12 - 2; t[48] = acc
  acc = acc + i * 13 - 3; t[49] = acc
  acc = acc + i * 14 - 4; t[50] = acc
  acc = acc + i * 15 - 0; t[1] = acc
  acc = acc + i * 16 - 1; t[2] = acc
  acc = acc + i * 0 - 2; t[3] = acc
  acc = acc + i * 1 - 3; t[4] = acc
  acc = acc + i * 2 - 4; t[5] = acc
  acc = acc + i * 3 - 0; t[6] = acc
  acc = acc + i * 4 - 1; t[7] = acc
  acc = acc + i * 5 - 2; t[8] = acc
  acc = acc + i * 6 - 3; t[9] = acc
  acc = acc + i * 7 - 4; t[10] = acc
  acc = acc + i * 8 - 0; t[11] = acc
  acc = acc + i * 9 - 1; t[12] = acc
  acc = acc + i * 10 - 2; t[13] = acc
  acc = acc + i * 11 - 3; t[14] = acc
  acc = acc + i * 12 - 4; t[15] = acc
  acc = acc + i * 13 - 0; t[16] = acc
  acc = acc + i * 14 - 1; t[17] = acc
  acc = acc + i * 15 - 2; t[18] = acc
  acc = acc + i * 16 - 3; t[19] = acc
  acc = acc + i * 0 - 4; t[20] = acc
  acc = acc + i * 1 - 0; t[21] = acc
  acc = acc + i * 2 - 1; t[22] = acc
  acc = acc + i * 3 - 2; t[23] = acc
  acc = acc + i * 4 - 3; t[24] = acc
  acc = acc + i * 5 - 4; t[25] = acc
  acc = acc + i * 6 - 0; t[26] = acc
  acc = acc + i * 7 - 1; t[27] = acc
  acc = acc + i * 8 - 2; t[28] = acc
  acc = acc + i * 9 - 3; t[29] = acc
  acc = acc + i * 10 - 4; t[30] = acc
  acc = acc + i * 11 - 0; t[31] = acc
  acc = acc + i * 12 - 1; t[32] = acc
  acc = acc + i * 13 - 2; t[33] = acc
  acc = acc + i * 14 - 3; t[34] = acc
  acc = acc + i * 15 - 4; t[35] = acc
  acc = acc + i * 16 - 0; t[36] = acc
  acc = acc + i * 0 - 1; t[37] = acc
  acc = acc + i * 1 - 2; t[38] = acc
  acc = acc + i * 2 - 3; t[39] = acc
  acc = acc + i * 3 - 4; t[40] = acc
  acc = acc + i * 4 - 0; t[41] = acc
  acc = acc + i * 5 - 1; t[42] = acc
  acc = acc + i * 6 - 2; t[43] = acc
  acc = acc + i * 7 - 3; t[44] = acc
  acc = acc + i * 8 - 4; t[45] = acc
  acc = acc + i * 9 - 0; t[46] = acc
  acc = acc + i * 10 - 1; t[47] = acc
  acc = acc + i * 11 - 2; t[48] = acc
  acc = acc + i * 12 - 3; t[49] = acc
  acc = acc + i * 13 - 4; t[50] = acc
  acc = acc + i * 14 - 0; t[1] = acc
  acc = acc + i * 15 - 1; t[2] = acc
  acc = acc + i * 16 - 2; t[3] = acc
  acc = acc + i * 0 - 3; t[4] = acc
  acc = acc + i * 1 - 4; t[5] = acc
  acc = acc + i * 2 - 0; t[6] = acc
  acc = acc + i * 3 - 1; t[7] = acc
  acc = acc + i * 4 - 2; t[8] = acc
  acc = acc + i * 5 - 3; t[9] = acc
  acc = acc + i * 6 - 4; t[10] = acc
  acc = acc + i * 7 - 0; t[11] = acc
  acc = acc + i * 8 - 1; t[12] = acc
  acc = acc + i * 9 - 2; t[13] = acc
  acc = acc + i * 10 - 3; t[14] = acc
  acc = acc + i * 11 - 4; t[15] = acc
  acc = acc + i * 12 - 0; t[16] = acc
  acc = acc + i * 13 - 1; t[17] = acc
  acc = acc + i * 14 - 2; t[18] = acc
  acc = acc + i * 15 - 3; t[19] = acc
  acc = acc + i * 16 - 4; t[20] = acc
  acc = acc + i * 0 - 0; t[21] = acc
  acc = acc + i * 1 - 1; t[22] = acc
  acc = acc + i * 2 - 2; t[23] = acc
  acc = acc + i * 3 - 3; t[24] = acc
  acc = acc + i * 4 - 4; t[25] = acc
  acc = acc + i * 5 - 0; t[26] = acc
  acc = acc + i * 6 - 1; t[27] = acc
  acc = acc + i * 7 - 2; t[28] = acc
  acc = acc + i * 8 - 3; t[29] = acc
  acc = acc + i * 9 - 4; t[30] = acc
  acc = acc + i * 10 - 0; t[31] = acc
  acc = acc + i * 11 - 1; t[32] = acc
  acc = acc + i * 12 - 2; t[33] = acc
  acc = acc + i * 13 - 3; t[34] = acc
  acc = acc + i * 14 - 4; t[35] = acc
  acc = acc + i * 15 - 0; t[36] = acc
  acc = acc + i * 16 - 1; t[37] = acc
  acc = acc + i * 0 - 2; t[38] = acc
  acc = acc + i * 1 - 3; t[39] = acc
  acc = acc + i * 2 - 4; t[40] = acc
  acc = acc + i * 3 - 0; t[41] = acc
  acc = acc + i * 4 - 1; t[42] = acc
  acc = acc + i * 5 - 2; t[43] = acc
  acc = acc + i * 6 - 3; t[44] = acc
  acc = acc + i * 7 - 4; t[45] = acc
  acc = acc + i * 8 - 0; t[46] = acc
  acc = acc + i * 9 - 1; t[47] = acc
  acc = acc + i * 10 - 2; t[48] = acc
  acc = acc + i * 11 - 3; t[49] = acc
  acc = acc + i * 12 - 4; t[50] = acc
  acc = acc + i * 13 - 0; t[1] = acc
  acc = acc + i * 14 - 1; t[2] = acc
  acc = acc + i * 15 - 2; t[3] = acc
  acc = acc + i * 16 - 3; t[4] = acc
  acc = acc + i * 0 - 4; t[5] = acc
  acc = acc + i * 1 - 0; t[6] = acc
  acc = acc + i * 2 - 1; t[7] = acc
  acc = acc + i * 3 - 2; t[8] = acc
  acc = acc + i * 4 - 3; t[9] = acc
  acc = acc + i * 5 - 4; t[10] = acc
  acc = acc + i * 6 - 0; t[11] = acc
  acc = acc + i * 7 - 1; t[12] = acc
  acc = acc + i * 8 - 2; t[13] = acc
  acc = acc + i * 9 - 3; t[14] = acc
  acc = acc + i * 10 - 4; t[15] = acc
  acc = acc + i * 11 - 0; t[16] = acc
  acc = acc + i * 12 - 1; t[17] = acc
  acc = acc + i * 13 - 2; t[18] = acc
  acc = acc + i * 14 - 3; t[19] = acc
  acc = acc + i * 15 - 4; t[20] = acc
  acc = acc + i * 16 - 0; t[21] = acc
  acc = acc + i * 0 - 1; t[22] = acc
  acc = acc + i * 1 - 2; t[23] = acc
  acc = acc + i * 2 - 3; t[24] = acc
  acc = acc + i * 3 - 4; t[25] = acc
  acc = acc + i * 4 - 0; t[26] = acc
  acc = acc + i * 5 - 1; t[27] = acc
  acc = acc + i * 6 - 2; t[28] = acc
  acc = acc + i * 7 - 3; t[29] = acc
  acc = acc + i * 8 - 4; t[30] = acc
  acc = acc + i * 9 - 0; t[31] = acc
  acc = acc + i * 10 - 1; t[32] = acc
  acc = acc + i * 11 - 2; t[33] = acc
  acc = acc + i * 12 - 3; t[34] = acc
  acc = acc + i * 13 - 4; t[35] = acc
  acc = acc + i * 14 - 0; t[36] = acc
  acc = acc + i * 15 - 1; t[37] = acc
  acc = acc + i * 16 - 2; t[38] = acc
  acc = acc + i * 0 - 3; t[39] = acc
  acc = acc + i * 1 - 4; t[40] = acc
  acc = acc + i * 2 - 0; t[41] = acc
  acc = acc + i * 3 - 1; t[42] = acc
  acc = acc + i * 4 - 2; t[43] = acc
  acc = acc + i * 5 - 3; t[44] = acc
  acc = acc + i * 6 - 4; t[45] = acc
  acc = acc + i * 7 - 0; t[46] = acc
  acc = acc + i * 8 - 1; t[47] = acc
  acc = acc + i * 9 - 2; t[48] = acc
  acc = acc + i * 10 - 3; t[49] = acc
  acc = acc + i * 11 - 4; t[50] = acc
  acc = acc + i * 12 - 0; t[1] = acc
  acc = acc + i * 13 - 1; t[2] = acc
  acc = acc + i * 14 - 2; t[3] = acc
  acc = acc + i * 15 - 3; t[4] = acc
  acc = acc + i * 16 - 4; t[5] = acc
  acc = acc + i * 0 - 0; t[6] = acc
  acc = acc + i * 1 - 1; t[7] = acc
  acc = acc + i * 2 - 2; t[8] = acc
  acc = acc + i * 3 - 3; t[9] = acc
  acc = acc + i * 4 - 4; t[10] = acc
  acc = acc + i * 5 - 0; t[11] = acc
  acc = acc + i * 6 - 1; t[12] = acc
  acc = acc + i * 7 - 2; t[13] = acc
  acc = acc + i * 8 - 3; t[14] = acc
  acc = acc + i * 9 - 4; t[15] = acc
  acc = acc + i * 10 - 0; t[16] = acc
  acc = acc + i * 11 - 1; t[17] = acc
  acc = acc + i * 12 - 2; t[18] = acc
  acc = acc + i * 13 - 3; t[19] = acc
  acc = acc + i * 14 - 4; t[20] = acc
  acc = acc + i * 15 - 0; t[21] = acc
  acc = acc + i * 16 - 1; t[22] = acc
  acc = acc + i * 0 - 2; t[23] = acc
  acc = acc + i * 1 - 3; t[24] = acc
  acc = acc + i * 2 - 4; t[25] = acc
  acc = acc + i * 3 - 0; t[26] = acc
  acc = acc + i * 4 - 1; t[27] = acc
  acc = acc + i * 5 - 2; t[28] = acc
  acc = acc + i * 6 - 3; t[29] = acc
  acc = acc + i * 7 - 4; t[30] = acc
  acc = acc + i * 8 - 0; t[31] = acc
  acc = acc + i * 9 - 1; t[32] = acc
  acc = acc + i * 10 - 2; t[33] = acc
  acc = acc + i * 11 - 3; t[34] = acc
  acc = acc + i * 12 - 4; t[35] = acc
  acc = acc + i * 13 - 0; t[36] = acc
  acc = acc + i * 14 - 1; t[37] = acc
  acc = acc + i * 15 - 2; t[38] = acc
  acc = acc + i * 16 - 3; t[39] = acc
  acc = acc + i * 0 - 4; t[40] = acc
  acc = acc + i * 1 - 0; t[41] = acc
  acc = acc + i * 2 - 1; t[42] = acc
  acc = acc + i * 3 - 2; t[43] = acc
  acc = acc + i * 4 - 3; t[44] = acc
  acc = acc + i * 5 - 4; t[45] = acc
  acc = acc + i * 6 - 0; t[46] = acc
  acc = acc + i * 7 - 1; t[47] = acc
  acc = acc + i * 8 - 2; t[48] = acc
  acc = acc + i * 9 - 3; t[49] = acc
  acc = acc + i * 10 - 4; t[50] = acc
  acc = acc + i * 11 - 0; t[1] = acc
  acc = acc + i * 12 - 1; t[2] = acc
  acc = acc + i * 13 - 2; t[3] = acc
  acc = acc + i * 14 - 3; t[4] = acc
  acc = acc + i * 15 - 4; t[5] = acc
  acc = acc + i * 16 - 0; t[6] = acc
  acc = acc + i * 0 - 1; t[7] = acc
  acc = acc + i * 1 - 2; t[8] = acc
  acc = acc + i * 2 - 3; t[9] = acc
  acc = acc + i * 3 - 4; t[10] = acc
  acc = acc + i * 4 - 0; t[11] = acc
  acc = acc + i * 5 - 1; t[12] = acc
  acc = acc + i * 6 - 2; t[13] = acc
  acc = acc + i * 7 - 3; t[14] = acc
  acc = acc + i * 8 - 4; t[15] = acc
  acc = acc + i * 9 - 0; t[16] = acc
  acc = acc + i * 10 - 1; t[17] = acc
  acc = acc + i * 11 - 2; t[18] = acc
  acc = acc + i * 12 - 3; t[19] = acc
  acc = acc + i * 13 - 4; t[20] = acc
  acc = acc + i * 14 - 0; t[21] = acc
  acc = acc + i * 15 - 1; t[22] = acc
  acc = acc + i * 16 - 2; t[23] = acc
  acc = acc + i * 0 - 3; t[24] = acc
  acc = acc + i * 1 - 4; t[25] = acc
  acc = acc + i * 2 - 0; t[26] = acc
  acc = acc + i * 3 - 1; t[27] = acc
  acc = acc + i * 4 - 2; t[28] = acc
  acc = acc + i * 5 - 3; t[29] = acc
  acc = acc + i * 6 - 4; t[30] = acc
  acc = acc + i * 7 - 0; t[31] = acc
  acc = acc + i * 8 - 1; t[32] = acc
  acc = acc + i * 9 - 2; t[33] = acc
  acc = acc + i * 10 - 3; t[34] = acc
  acc = acc + i * 11 - 4; t[35] = acc
  acc = acc + i * 12 - 0; t[36] = acc
  acc = acc + i * 13 - 1; t[37] = acc
  acc = acc + i * 14 - 2; t[38] = acc
  acc = acc + i * 15 - 3; t[39] = acc
  acc = acc + i * 16 - 4; t[40] = acc
  acc = acc + i * 0 - 0; t[41] = acc
  acc = acc + i * 1 - 1; t[42] = acc
  acc = acc + i * 2 - 2; t[43] = acc
  acc = acc + i * 3 - 3; t[44] = acc
  acc = acc + i * 4 - 4; t[45] = acc
  acc = acc + i * 5 - 0; t[46] = acc
  acc = acc + i * 6 - 1; t[47] = acc
  acc = acc + i * 7 - 2; t[48] = acc
  acc = acc + i * 8 - 3; t[49] = acc
  acc = acc + i * 9 - 4; t[50] = acc
  acc = acc + i * 10 - 0; t[1] = acc
  acc = acc + i * 11 - 1; t[2] = acc
  acc = acc + i * 12 - 2; t[3] = acc
  acc = acc + i * 13 - 3; t[4] = acc
  acc = acc + i * 14 - 4; t[5] = acc
  acc = acc + i * 15 - 0; t[6] = acc
  acc = acc + i * 16 - 1; t[7] = acc
  acc = acc + i * 0 - 2; t[8] = acc
  acc = acc + i * 1 - 3; t[9] = acc
  acc = acc + i * 2 - 4; t[10] = acc
  acc = acc + i * 3 - 0; t[11] = acc
  acc = acc + i * 4 - 1; t[12] = acc
  acc = acc + i * 5 - 2; t[13] = acc
  acc = acc + i * 6 - 3; t[14] = acc
  acc = acc + i * 7 - 4; t[15] = acc
  acc = acc + i * 8 - 0; t[16] = acc
  acc = acc + i * 9 - 1; t[17] = acc
  acc = acc + i * 10 - 2; t[18] = acc
  acc = acc + i * 11 - 3; t[19] = acc
  acc = acc + i * 12 - 4; t[20] = acc
  acc = acc + i * 13 - 0; t[21] = acc
  acc = acc + i * 14 - 1; t[22] = acc
  acc = acc + i * 15 - 2; t[23] = acc
  acc = acc + i * 16 - 3; t[24] = acc
  acc = acc + i * 0 - 4; t[25] = acc
  acc = acc + i * 1 - 0; t[26] = acc
  acc = acc + i * 2 - 1; t[27] = acc
  acc = acc + i * 3 - 2; t[28] = acc
  acc = acc + i * 4 - 3; t[29] = acc
  acc = acc + i * 5 - 4; t[30] = acc
  acc = acc + i * 6 - 0; t[31] = acc
  acc = acc + i * 7 - 1; t[32] = acc
  acc = acc + i * 8 - 2; t[33] = acc
  acc = acc + i * 9 - 3; t[34] = acc
  acc = acc + i * 10 - 4; t[35] = acc
  acc = acc + i * 11 - 0; t[36] = acc
  acc = acc + i * 12 - 1; t[37] = acc
  acc = acc + i * 13 - 2; t[38] = acc
  acc = acc + i * 14 - 3; t[39] = acc
  acc = acc + i * 15 - 4; t[40] = acc
  acc = acc + i * 16 - 0; t[41] = acc
  acc = acc + i * 0 - 1; t[42] = acc
  acc = acc + i * 1 - 2; t[43] = acc
  acc = acc + i * 2 - 3; t[44] = acc
  acc = acc + i * 3 - 4; t[45] = acc
  acc = acc + i * 4 - 0; t[46] = acc
  acc = acc + i * 5 - 1; t[47] = acc
  acc = acc + i * 6 - 2; t[48] = acc
  acc = acc + i * 7 - 3; t[49] = acc
  acc = acc + i * 8 - 4; t[50] = acc
end
print(acc, t[1], t[50])
local function branchy(x)
  local r = 0
  if x > 0 then
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
    r = r + x * 12
    r = r + x * 0
    r = r + x * 1
    r = r + x * 2
    r = r + x * 3
    r = r + x * 4
    r = r + x * 5
    r = r + x * 6
    r = r + x * 7
    r = r + x * 8
    r = r + x * 9
    r = r + x * 10
    r = r + x * 11
  else
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
    r = r - x - 0
    r = r - x - 1
    r = r - x - 2
    r = r - x - 3
    r = r - x - 4
    r = r - x - 5
    r = r - x - 6
  end
  return r
end
print(branchy(2), branchy(-1))
local n = 0
while n < 2 do
  n = n + 1
  if n == 0 then acc = acc + 0 end
  if n == 1 then acc = acc + 1 end
  if n == 2 then acc = acc + 2 end
  if n == 3 then acc = acc + 3 end
  if n == 4 then acc = acc + 4 end
  if n == 5 then acc = acc + 5 end
  if n == 6 then acc = acc + 6 end
  if n == 7 then acc = acc + 7 end
  if n == 8 then acc = acc + 8 end
  if n == 9 then acc = acc + 9 end
  if n == 10 then acc = acc + 10 end
  if n == 11 then acc = acc + 11 end
  if n == 12 then acc = acc + 12 end
  if n == 13 then acc = acc + 13 end
  if n == 14 then acc = acc + 14 end
  if n == 15 then acc = acc + 15 end
  if n == 16 then acc = acc + 16 end
  if n == 17 then acc = acc + 17 end
  if n == 18 then acc = acc + 18 end
  if n == 19 then acc = acc + 19 end
  if n == 20 then acc = acc + 20 end
  if n == 21 then acc = acc + 21 end
  if n == 22 then acc = acc + 22 end
  if n == 23 then acc = acc + 23 end
  if n == 24 then acc = acc + 24 end
  if n == 25 then acc = acc + 25 end
  if n == 26 then acc = acc + 26 end
  if n == 27 then acc = acc + 27 end
  if n == 28 then acc = acc + 28 end
  if n == 29 then acc = acc + 29 end
  if n == 30 then acc = acc + 30 end
  if n == 31 then acc = acc + 31 end
  if n == 32 then acc = acc + 32 end
  if n == 33 then acc = acc + 33 end
  if n == 34 then acc = acc + 34 end
  if n == 35 then acc = acc + 35 end
  if n == 36 then acc = acc + 36 end
  if n == 37 then acc = acc + 37 end
  if n == 38 then acc = acc + 38 end
  if n == 39 then acc = acc + 39 end
  if n == 40 then acc = acc + 40 end
  if n == 41 then acc = acc + 41 end
  if n == 42 then acc = acc + 42 end
  if n == 43 then acc = acc + 43 end
  if n == 44 then acc = acc + 44 end
  if n == 45 then acc = acc + 45 end
  if n == 46 then acc = acc + 46 end
  if n == 47 then acc = acc + 47 end
  if n == 48 then acc = acc + 48 end
  if n == 49 then acc = acc + 49 end
  if n == 50 then acc = acc + 50 end
  if n == 51 then acc = acc + 51 end
  if n == 52 then acc = acc + 52 end
  if n == 53 then acc = acc + 53 end
  if n == 54 then acc = acc + 54 end
  if n == 55 then acc = acc + 55 end
  if n == 56 then acc = acc + 56 end
  if n == 57 then acc = acc + 57 end
  if n == 58 then acc = acc + 58 end
  if n == 59 then acc = acc + 59 end
  if n == 60 then acc = acc + 60 end
  if n == 61 then acc = acc + 61 end
  if n == 62 then acc = acc + 62 end
  if n == 63 then acc = acc + 63 end
  if n == 64 then acc = acc + 64 end
  if n == 65 then acc = acc + 65 end
  if n == 66 then acc = acc + 66 end
  if n == 67 then acc = acc + 67 end
  if n == 68 then acc = acc + 68 end
  if n == 69 then acc = acc + 69 end
  if n == 70 then acc = acc + 70 end
  if n == 71 then acc = acc + 71 end
  if n == 72 then acc = acc + 72 end
  if n == 73 then acc = acc + 73 end
  if n == 74 then acc = acc + 74 end
  if n == 75 then acc = acc + 75 end
  if n == 76 then acc = acc + 76 end
  if n == 77 then acc = acc + 77 end
  if n == 78 then acc = acc + 78 end
  if n == 79 then acc = acc + 79 end
  if n == 80 then acc = acc + 80 end
  if n == 81 then acc = acc + 81 end
  if n == 82 then acc = acc + 82 end
  if n == 83 then acc = acc + 83 end
  if n == 84 then acc = acc + 84 end
  if n == 85 then acc = acc + 85 end
  if n == 86 then acc = acc + 86 end
  if n == 87 then acc = acc + 87 end
  if n == 88 then acc = acc + 88 end
  if n == 89 then acc = acc + 89 end
  if n == 90 then acc = acc + 90 end
  if n == 91 then acc = acc + 91 end
  if n == 92 then acc = acc + 92 end
  if n == 93 then acc = acc + 93 end
  if n == 94 then acc = acc + 94 end
  if n == 95 then acc = acc + 95 end
  if n == 96 then acc = acc + 96 end
  if n == 97 then acc = acc + 97 end
  if n == 98 then acc = acc + 98 end
  if n == 99 then acc = acc + 99 end
  if n == 100 then acc = acc + 100 end
  if n == 101 then acc = acc + 101 end
  if n == 102 then acc = acc + 102 end
  if n == 103 then acc = acc + 103 end
  if n == 104 then acc = acc + 104 end
  if n == 105 then acc = acc + 105 end
  if n == 106 then acc = acc + 106 end
  if n == 107 then acc = acc + 107 end
  if n == 108 then acc = acc + 108 end
  if n == 109 then acc = acc + 109 end
  if n == 110 then acc = acc + 110 end
  if n == 111 then acc = acc + 111 end
  if n == 112 then acc = acc + 112 end
  if n == 113 then acc = acc + 113 end
  if n == 114 then acc = acc + 114 end
  if n == 115 then acc = acc + 115 end
  if n == 116 then acc = acc + 116 end
  if n == 117 then acc = acc + 117 end
  if n == 118 then acc = acc + 118 end
  if n == 119 then acc = acc + 119 end
  if n == 120 then acc = acc + 120 end
  if n == 121 then acc = acc + 121 end
  if n == 122 then acc = acc + 122 end
  if n == 123 then acc = acc + 123 end
  if n == 124 then acc = acc + 124 end
  if n == 125 then acc = acc + 125 end
  if n == 126 then acc = acc + 126 end
  if n == 127 then acc = acc + 127 end
  if n == 128 then acc = acc + 128 end
  if n == 129 then acc = acc + 129 end
  if n == 130 then acc = acc + 130 end
  if n == 131 then acc = acc + 131 end
  if n == 132 then acc = acc + 132 end
  if n == 133 then acc = acc + 133 end
  if n == 134 then acc = acc + 134 end
  if n == 135 then acc = acc + 135 end
  if n == 136 then acc = acc + 136 end
  if n == 137 then acc = acc + 137 end
  if n == 138 then acc = acc + 138 end
  if n == 139 then acc = acc + 139 end
  if n == 140 then acc = acc + 140 end
  if n == 141 then acc = acc + 141 end
  if n == 142 then acc = acc + 142 end
  if n == 143 then acc = acc + 143 end
  if n == 144 then acc = acc + 144 end
  if n == 145 then acc = acc + 145 end
  if n == 146 then acc = acc + 146 end
  if n == 147 then acc = acc + 147 end
  if n == 148 then acc = acc + 148 end
  if n == 149 then acc = acc + 149 end
  if n == 150 then acc = acc + 150 end
  if n == 151 then acc = acc + 151 end
  if n == 152 then acc = acc + 152 end
  if n == 153 then acc = acc + 153 end
  if n == 154 then acc = acc + 154 end
  if n == 155 then acc = acc + 155 end
  if n == 156 then acc = acc + 156 end
  if n == 157 then acc = acc + 157 end
  if n == 158 then acc = acc + 158 end
  if n == 159 then acc = acc + 159 end
  if n == 160 then acc = acc + 160 end
  if n == 161 then acc = acc + 161 end
  if n == 162 then acc = acc + 162 end
  if n == 163 then acc = acc + 163 end
  if n == 164 then acc = acc + 164 end
  if n == 165 then acc = acc + 165 end
  if n == 166 then acc = acc + 166 end
  if n == 167 then acc = acc + 167 end
  if n == 168 then acc = acc + 168 end
  if n == 169 then acc = acc + 169 end
  if n == 170 then acc = acc + 170 end
  if n == 171 then acc = acc + 171 end
  if n == 172 then acc = acc + 172 end
  if n == 173 then acc = acc + 173 end
  if n == 174 then acc = acc + 174 end
  if n == 175 then acc = acc + 175 end
  if n == 176 then acc = acc + 176 end
  if n == 177 then acc = acc + 177 end
  if n == 178 then acc = acc + 178 end
  if n == 179 then acc = acc + 179 end
  if n == 180 then acc = acc + 180 end
  if n == 181 then acc = acc + 181 end
  if n == 182 then acc = acc + 182 end
  if n == 183 then acc = acc + 183 end
  if n == 184 then acc = acc + 184 end
  if n == 185 then acc = acc + 185 end
  if n == 186 then acc = acc + 186 end
  if n == 187 then acc = acc + 187 end
  if n == 188 then acc = acc + 188 end
  if n == 189 then acc = acc + 189 end
  if n == 190 then acc = acc + 190 end
  if n == 191 then acc = acc + 191 end
  if n == 192 then acc = acc + 192 end
  if n == 193 then acc = acc + 193 end
  if n == 194 then acc = acc + 194 end
  if n == 195 then acc = acc + 195 end
  if n == 196 then acc = acc + 196 end
  if n == 197 then acc = acc + 197 end
  if n == 198 then acc = acc + 198 end
  if n == 199 then acc = acc + 199 end
  if n == 200 then acc = acc + 200 end
  if n == 201 then acc = acc + 201 end
  if n == 202 then acc = acc + 202 end
  if n == 203 then acc = acc + 203 end
  if n == 204 then acc = acc + 204 end
  if n == 205 then acc = acc + 205 end
  if n == 206 then acc = acc + 206 end
  if n == 207 then acc = acc + 207 end
  if n == 208 then acc = acc + 208 end
  if n == 209 then acc = acc + 209 end
  if n == 210 then acc = acc + 210 end
  if n == 211 then acc = acc + 211 end
  if n == 212 then acc = acc + 212 end
  if n == 213 then acc = acc + 213 end
  if n == 214 then acc = acc + 214 end
  if n == 215 then acc = acc + 215 end
  if n == 216 then acc = acc + 216 end
  if n == 217 then acc = acc + 217 end
  if n == 218 then acc = acc + 218 end
  if n == 219 then acc = acc + 219 end
  if n == 220 then acc = acc + 220 end
  if n == 221 then acc = acc + 221 end
  if n == 222 then acc = acc + 222 end
  if n == 223 then acc = acc + 223 end
  if n == 224 then acc = acc + 224 end
  if n == 225 then acc = acc + 225 end
  if n == 226 then acc = acc + 226 end
  if n == 227 then acc = acc + 227 end
  if n == 228 then acc = acc + 228 end
  if n == 229 then acc = acc + 229 end
  if n == 230 then acc = acc + 230 end
  if n == 231 then acc = acc + 231 end
  if n == 232 then acc = acc + 232 end
  if n == 233 then acc = acc + 233 end
  if n == 234 then acc = acc + 234 end
  if n == 235 then acc = acc + 235 end
  if n == 236 then acc = acc + 236 end
  if n == 237 then acc = acc + 237 end
  if n == 238 then acc = acc + 238 end
  if n == 239 then acc = acc + 239 end
  if n == 240 then acc = acc + 240 end
  if n == 241 then acc = acc + 241 end
  if n == 242 then acc = acc + 242 end
  if n == 243 then acc = acc + 243 end
  if n == 244 then acc = acc + 244 end
  if n == 245 then acc = acc + 245 end
  if n == 246 then acc = acc + 246 end
  if n == 247 then acc = acc + 247 end
  if n == 248 then acc = acc + 248 end
  if n == 249 then acc = acc + 249 end
  if n == 250 then acc = acc + 250 end
  if n == 251 then acc = acc + 251 end
  if n == 252 then acc = acc + 252 end
  if n == 253 then acc = acc + 253 end
  if n == 254 then acc = acc + 254 end
  if n == 255 then acc = acc + 255 end
  if n == 256 then acc = acc + 256 end
  if n == 257 then acc = acc + 257 end
  if n == 258 then acc = acc + 258 end
  if n == 259 then acc = acc + 259 end
  if n == 260 then acc = acc + 260 end
  if n == 261 then acc = acc + 261 end
  if n == 262 then acc = acc + 262 end
  if n == 263 then acc = acc + 263 end
  if n == 264 then acc = acc + 264 end
  if n == 265 then acc = acc + 265 end
  if n == 266 then acc = acc + 266 end
  if n == 267 then acc = acc + 267 end
  if n == 268 then acc = acc + 268 end
  if n == 269 then acc = acc + 269 end
  if n == 270 then acc = acc + 270 end
  if n == 271 then acc = acc + 271 end
  if n == 272 then acc = acc + 272 end
  if n == 273 then acc = acc + 273 end
  if n == 274 then acc = acc + 274 end
  if n == 275 then acc = acc + 275 end
  if n == 276 then acc = acc + 276 end
  if n == 277 then acc = acc + 277 end
  if n == 278 then acc = acc + 278 end
  if n == 279 then acc = acc + 279 end
  if n == 280 then acc = acc + 280 end
  if n == 281 then acc = acc + 281 end
  if n == 282 then acc = acc + 282 end
  if n == 283 then acc = acc + 283 end
  if n == 284 then acc = acc + 284 end
  if n == 285 then acc = acc + 285 end
  if n == 286 then acc = acc + 286 end
  if n == 287 then acc = acc + 287 end
  if n == 288 then acc = acc + 288 end
  if n == 289 then acc = acc + 289 end
  if n == 290 then acc = acc + 290 end
  if n == 291 then acc = acc + 291 end
  if n == 292 then acc = acc + 292 end
  if n == 293 then acc = acc + 293 end
  if n == 294 then acc = acc + 294 end
  if n == 295 then acc = acc + 295 end
  if n == 296 then acc = acc + 296 end
  if n == 297 then acc = acc + 297 end
  if n == 298 then acc = acc + 298 end
  if n == 299 then acc = acc + 299 end
end
print(n, acc)

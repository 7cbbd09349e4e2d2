-- permute: generate every permutation of 1..n by recursive swapping.
-- Heap-style recursion with in-place swaps of array elements; each complete
-- permutation is folded into a checksum so the work cannot be skipped.
-- N: the number of elements permuted (default 11, i.e. 11! permutations).
local N = tonumber(arg and arg[1]) or 11

-- Recursively fix position k by swapping every candidate into it.
local function permute(a, k, n, visit)
  if k > n then visit(a, n); return end
  for i = k, n do
    a[k], a[i] = a[i], a[k]
    permute(a, k + 1, n, visit)
    a[k], a[i] = a[i], a[k]
  end
end

local count, checksum = 0, 0
-- Fold the first two elements with the running count into a bounded checksum.
local function visit(a, n)
  count = count + 1
  checksum = (checksum * 31 + a[1] * n + a[2]) % 1000003
end

local a = {}
for i = 1, N do a[i] = i end
permute(a, 1, N, visit)
print(string.format("%d permutations, checksum %d", count, checksum))

-- The inner block closes, the outer 'if' never does.
if x then
  while y do
  end
  print(1)

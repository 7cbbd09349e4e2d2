-- A repeat loop without 'until'.
repeat
  x = 1

-- goto naming a label that does not exist.
for i = 1, 3 do
  goto nowhere
end

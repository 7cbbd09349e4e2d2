-- A for loop needs '=' or 'in' after the names.
for i 1, 2 do end

-- 'then' is missing after the condition.
if x print(1) end

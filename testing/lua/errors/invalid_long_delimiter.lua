-- '[=' must be followed by more '=' or '['.
local s = [=x]=]

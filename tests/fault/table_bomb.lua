-- Grows without end: the memory cap stops it.
local t = {}
for i = 1, math.maxinteger do t[i] = { i } end

-- Changes this script's own libraries and globals only: the report's
-- numbers and the runner's checks come out as without it.
string.format = function() return "9.99" end
string.rep = function() return "" end
table.concat = function() return "" end
table.sort = function() end
table.insert = function() end
math.floor = function() return 0 end
math.max = function() return 0 end
math.huge = 1
utf8.char = nil
tostring = function() return "x" end
-- Declared only where the script is an experiment script (not a spec).
local ok, declare = pcall(function() return experiment end)
if ok then declare { name = "sandboxed", backend = "cpu", dtype = "f32", op = "matvec", n = geomrange(1000, 4000, 2) } end

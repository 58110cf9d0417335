-- error: tests/report/safety/sandbox_string_metatable.lua:3: attempt to index a boolean value
-- The string metatable's __index is the real string library: not handed out.
getmetatable("").__index.format = function() return "9.99" end
-- Declared only where the script is an experiment script (not a spec).
local ok, declare = pcall(function() return experiment end)
if ok then declare { name = "sandboxed", backend = "cpu", dtype = "f32", op = "matvec", n = geomrange(1000, 4000, 2) } end

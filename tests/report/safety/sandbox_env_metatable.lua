-- error: tests/report/safety/sandbox_env_metatable.lua:3: cannot change a protected metatable
-- Strict globals cannot be turned off.
setmetatable(_ENV, nil)
-- Declared only where the script is an experiment script (not a spec).
local ok, declare = pcall(function() return experiment end)
if ok then declare { name = "sandboxed", backend = "cpu", dtype = "f32", op = "matvec", n = geomrange(1000, 4000, 2) } end

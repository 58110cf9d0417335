-- error: tests/report/safety/sandbox_no_debug.lua:3: undefined global 'debug'
-- No library that reaches past the sandbox.
debug.setmetatable(_ENV, nil)
-- Declared only where the script is an experiment script (not a spec).
local ok, declare = pcall(function() return experiment end)
if ok then declare { name = "sandboxed", backend = "cpu", dtype = "f32", op = "matvec", n = geomrange(1000, 4000, 2) } end

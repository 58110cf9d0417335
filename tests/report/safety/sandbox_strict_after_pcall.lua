-- error: tests/report/safety/sandbox_strict_after_pcall.lua:4: undefined global 'rnage'
-- A failed attempt leaves globals strict.
pcall(setmetatable, _ENV, nil)
local sizes = rnage
-- Declared only where the script is an experiment script (not a spec).
local ok, declare = pcall(function() return experiment end)
if ok then declare { name = "sandboxed", backend = "cpu", dtype = "f32", op = "matvec", n = geomrange(1000, 4000, 2) } end

-- error: tests/report/safety/sandbox_env_getmetatable.lua:4: attempt to index a boolean value (local 'mt')
-- Nor changed through the metatable itself.
local mt = getmetatable(_ENV)
mt.__index = nil
-- Declared only where the script is an experiment script (not a spec).
local ok, declare = pcall(function() return experiment end)
if ok then declare { name = "sandboxed", backend = "cpu", dtype = "f32", op = "matvec", n = geomrange(1000, 4000, 2) } end

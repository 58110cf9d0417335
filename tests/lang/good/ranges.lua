-- range is inclusive at both ends; geomrange multiplies; a local helper is fine.
local function sizes() return range(1000, 3000, 500) end
experiment { name = "ranges", backend = "cpu", dtype = "f32", op = "matvec", n = sizes() }
experiment { name = "geom", backend = "cpu", dtype = "f32", op = "matvec", n = geomrange(100, 1000, 2) }

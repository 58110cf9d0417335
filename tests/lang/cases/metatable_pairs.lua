-- __pairs would hide the misspelt field from a check that used pairs.
local decl = { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = 8, sampels = 3 }
experiment(setmetatable(decl, { __pairs = function() return next, { name = "x" }, nil end }))

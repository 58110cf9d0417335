experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = 8 }
claim(setmetatable({ id = "c", text = "t" }, { __index = function() return "hidden" end }))

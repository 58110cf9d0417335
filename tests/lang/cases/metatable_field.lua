local sizes = setmetatable({}, { __index = function(_, i) if i == 1 then return 64 end end })
experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = sizes }

experiment { name = "x", backend = "cpu", dtype = "f32", op = "outer_sum", axis = 2, n = 8 }

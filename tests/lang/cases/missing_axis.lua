experiment { name = "x", backend = "cpu", dtype = "f32", op = "outer_sum", n = 8 }

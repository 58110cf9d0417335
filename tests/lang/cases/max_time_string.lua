experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = 8, max_time = { 1, "2" } }

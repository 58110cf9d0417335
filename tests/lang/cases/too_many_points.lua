experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = range(1, 1000),
             seed = range(1, 101) }

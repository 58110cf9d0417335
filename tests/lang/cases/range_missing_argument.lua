experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = range(100) }

experiment { name = "x", backend = "cpu", dtype = "float32", op = "matvec", n = 8 }

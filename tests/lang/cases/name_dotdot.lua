experiment { name = "..", backend = "cpu", dtype = "f32", op = "matvec", n = 8 }

experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = 8 }
claim { id = "c", text = "t", precision = 0 }

experiment { name = "x", backend = "cuBLAS", dtype = "f32", op = "matvec", n = 8 }

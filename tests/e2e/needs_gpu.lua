experiment { name = "gpu", backend = "cublas", dtype = "f32", op = "matvec", n = 64 }

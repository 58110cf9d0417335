experiment { name = "x", backend = "cupy", dtype = "f64", op = "matvec", n = 100, graph = true }

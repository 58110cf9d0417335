experiment { name = "too-big", backend = "openblas", dtype = "f64", op = "matvec", n = 200000 }

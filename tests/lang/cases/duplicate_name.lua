experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = 8 }
experiment { name = "x", backend = "cpu", dtype = "f64", op = "matvec", n = 8 }

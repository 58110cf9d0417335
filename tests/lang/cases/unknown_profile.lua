local sizes = by_profile { quick = { 1000 }, tiny = { 100 } }
experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = sizes }

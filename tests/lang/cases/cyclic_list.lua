local sizes = { 1000 }
sizes[2] = sizes
experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = sizes }

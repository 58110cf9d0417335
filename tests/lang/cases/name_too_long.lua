experiment { name = string.rep("a", 129), backend = "cpu", dtype = "f32", op = "matvec", n = 8 }

experiment { name = ".x.new-abc123", backend = "cpu", dtype = "f32", op = "matvec", n = 8 }

-- Two quick points, for a signal during the commit.
experiment { name = "quick", backend = "cpu", dtype = "f32", op = "matvec", n = { 16, 32 },
             iterations = 2, samples = 2, warmup = 0 }

-- One batch of several minutes: the interrupt must cut it.
experiment { name = "long-batch", backend = "cpu", dtype = "f64", op = "matvec", n = 1500,
             iterations = 100000, warmup = 0, samples = 1 }

-- Minutes of warm-up batches before any sample.
experiment { name = "long-warmup", backend = "cpu", dtype = "f64", op = "matvec", n = 1500,
             iterations = 100000, warmup = 3, samples = 1 }

-- A quick experiment for tests/e2e/sets.sh: 2 points, 3 samples each.
experiment { name = "set", backend = "cpu", dtype = "f64", op = "matvec", n = { 8, 16 },
             iterations = 2, samples = 3, warmup = 0 }

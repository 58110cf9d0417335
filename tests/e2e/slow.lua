-- Long enough to be interrupted part way.
experiment { name = "tiny", backend = "cpu", dtype = "f64", op = "matvec", n = 512,
             iterations = 2000, samples = 50 }

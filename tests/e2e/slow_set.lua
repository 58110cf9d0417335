-- The experiment of set.lua, long enough to be caught while it runs.
experiment { name = "set", backend = "cpu", dtype = "f64", op = "matvec", n = 512,
             iterations = 1000, samples = 12 }

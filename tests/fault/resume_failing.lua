-- One point that cannot run (too big for memory) beside two that can.
experiment { name = "resume-failing", backend = "cpu", dtype = "f32", op = "matvec",
             n = { 64, 200000, 128 }, iterations = 2, samples = 2, warmup = 0 }

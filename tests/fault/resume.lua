-- Sixteen points of a fraction of a second each, to be cut part way.
experiment { name = "resume", backend = { "cpu", "openblas" }, dtype = "f32",
             op = { "matvec", "outer_sum" }, axis = 0, n = { 256, 384, 512, 640 },
             iterations = 100, samples = 4, warmup = 0 }

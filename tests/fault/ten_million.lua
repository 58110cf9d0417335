-- 10^7 points: refused before they are built.
experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = range(1, 100000),
             seed = range(1, 100) }

-- The cap counts the points of every experiment of the script.
experiment { name = "a", backend = "cpu", dtype = { "f32", "f64" }, op = "matvec", n = range(1, 25000) }
experiment { name = "b", backend = "cpu", dtype = { "f32", "f64" }, op = "matvec", n = range(1, 25000) }
experiment { name = "c", backend = "cpu", dtype = "f32", op = "outer_sum", axis = { 0, 1 }, n = range(1, 2) }

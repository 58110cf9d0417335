experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec",
  n = rnage(1, 10, 1) }

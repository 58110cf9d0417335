experiment { name = "x", backend = "openblas", dtype = "f32", op = "matvec", n = 8,
  impl = { matvec = { "gemv", 2 } } }

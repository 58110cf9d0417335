experiment { name = "x", backend = "openblas", dtype = "f32", op = "outer_sum", axis = 0,
  impl = "gemv", n = 8 }

experiment {
  name = "maybe-gpu", backend = { "cpu", "cublas" }, dtype = "f32", op = "matvec", n = { 64, 128 },
  iterations = 2, samples = 2, optional = true,
}

-- Every numeric field at its upper bound is accepted (the bounds are in the README).
experiment {
  name = "limits", backend = "cpu", dtype = "f64", op = "matvec", n = 1000000,
  iterations = 1000000000, min_batch_time = 3600, warmup = 1000000, samples = 100000,
  max_samples = 100000, max_time = 86400, seed = 4294967295, threads = 4096,
}

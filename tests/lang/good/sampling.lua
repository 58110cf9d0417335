-- Sampling fields, the adaptive stop, and GPU-only fields dropped for a CPU backend.
experiment {
  name = "sampling", backend = { "cpu", "cublas" }, dtype = "f32", op = "copy", n = 16,
  iterations = "auto", min_batch_time = 0.001, samples = 5, target_rel_ci = 0.01,
  max_time = 2, warmup = 0, seed = 7, threads = 2, graph = true, flush_l2 = true,
  optional = true,
}

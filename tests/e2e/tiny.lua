-- A tiny experiment over every CPU backend, op, dtype and axis.
experiment {
  name = "tiny", backend = { "cpu", "openblas" }, dtype = { "f32", "f64" },
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { matvec = { "loop", "gemv", "gemm" }, outer_sum = { "materialized", "gemm", "fused" } },
  n = 33, iterations = 3, samples = 3, warmup = 1,
}

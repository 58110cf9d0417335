-- impl keyed by op; an op left out gets the backend's default impl.
experiment {
  name = "impls", backend = "openblas", dtype = "f64",
  op = { "copy", "matvec", "outer_sum" }, axis = 1, n = 64,
  impl = { matvec = { "gemv", "gemm" }, outer_sum = "fused" },
}

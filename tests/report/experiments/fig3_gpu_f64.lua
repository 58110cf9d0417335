-- Test double of experiments/fig3_gpu_f64.lua.
experiment {
  name = "fig3-gpu-f64", backend = "cublas", dtype = "f64", optional = true,
  op = { "matvec", "outer_sum" }, axis = 1, impl = { matvec = "gemm", outer_sum = "gemm" },
  n = { 1000, 2000, 4000, 8000 }, iterations = 10, samples = 5,
}

claim {
  id = "other-axis",
  text = "Summing over the other axis brings the two curves almost together.",
  article = "about 1",
  measure = { kind = "ratio", experiment = "fig3-gpu-f64", n = 20000,
              num = { op = "outer_sum", axis = 1 }, den = { op = "matvec" } },
  expect = { below = 1.15 },
}

experiment {
  name = "fig3-gpu-f64-cupy", backend = "cupy", dtype = "f64", optional = true,
  op = { "matvec", "outer_sum" }, axis = 1, impl = "article",
  n = { 1000, 2000, 4000, 8000 }, iterations = 10, samples = 5,
}

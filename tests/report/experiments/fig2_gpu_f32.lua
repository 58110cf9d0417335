-- Test double of experiments/fig2_gpu_f32.lua.
experiment {
  name = "fig2-gpu-f32", backend = "cublas", dtype = "f32", optional = true,
  op = { "matvec", "outer_sum" }, axis = 0, impl = { matvec = "gemm", outer_sum = "gemm" },
  n = { 1000, 2000, 4000, 8000 }, iterations = 10, samples = 5,
}

experiment {
  name = "fig2-gpu-f32-ref", backend = { "cublas", "cuda" }, dtype = "f32", optional = true,
  op = { "copy", "matvec", "outer_sum" }, axis = 0,
  impl = { copy = "memcpy", matvec = "gemv", outer_sum = "fused" },
  n = { 1000, 2000, 4000, 8000 }, iterations = 10, samples = 5,
}

claim {
  id = "torch-ratio",
  text = "PyTorch, float32: outer product and sum takes more than twice as long as matvec.",
  article = "more than 2",
  measure = { kind = "ratio", experiment = "fig2-gpu-f32", n = 20000,
              num = { op = "outer_sum", axis = 0 }, den = { op = "matvec" } },
  expect = { above = 2 },
}

experiment {
  name = "fig2-gpu-f32-torch", backend = "torch-cuda", dtype = "f32", optional = true,
  op = { "matvec", "outer_sum" }, axis = 0, impl = "article",
  n = { 1000, 2000, 4000, 8000 }, iterations = 10, samples = 5,
}

-- The article's Figure 2, second panel: PyTorch on the GPU, float32.
-- torch.mm calls cuBLAS gemm (one column; k = 1), and torch.sum(q, dim=0)
-- sums each column (axis 0). 1000 calls per sample, CUDA events around each
-- batch, as the article.

local sizes = by_profile {
  full  = range(1000, 20000, 500),
  quick = range(1000, 20000, 1900),
  tiny  = { 200, 400 },
}
local iterations = profile == "tiny" and 2 or 1000

experiment {
  name = "fig2-gpu-f32", backend = "cublas", dtype = "f32",
  op = { "matvec", "outer_sum" }, axis = 0,
  impl = { matvec = "gemm", outer_sum = "gemm" },
  n = sizes, iterations = iterations, samples = 3, target_rel_ci = 0.01, max_samples = 6, warmup = 0,
}

-- The copy ceiling, gemv, our own kernels and the fused outer_sum.
experiment {
  name = "fig2-gpu-f32-ref", backend = { "cublas", "cuda" }, dtype = "f32",
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { copy = "memcpy", matvec = { "gemv", "rowdot" }, outer_sum = { "materialized", "fused" } },
  n = profile == "tiny" and { 400 } or { 1000, 2000, 5000, 10000, 15000, 20000 },
  iterations = iterations, samples = 3, target_rel_ci = 0.01, max_samples = 6, warmup = 0,
}

-- The article's claim on this panel, judged by `runner report`.
claim {
  id = "torch-ratio",
  text = "PyTorch, float32: at N = 20000 the outer product and sum takes more than 2 times as long as matvec.",
  article = "more than 2",
  measure = { kind = "ratio", experiment = "fig2-gpu-f32", n = 20000,
              num = { op = "outer_sum", impl = "gemm", axis = 0 }, den = { op = "matvec", impl = "gemm" } },
  expect = { above = 2 },
}

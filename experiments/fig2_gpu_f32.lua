-- The article's Figure 2, second panel: PyTorch on the GPU, float32, the
-- product summed over each column (torch.sum(q, dim=0): axis 0). Three
-- layers on the same machine, sampled as fig2_gpu_f64.lua says:
--   fig2-gpu-f32-torch  the article's own calls (backend torch-cuda, impl
--                       article: torch.mm(matrix, vector).to(device) and
--                       torch.sum(torch.mm(x, y).to(device), dim=0)), CUDA
--                       events around the calls;
--   fig2-gpu-f32        the library under PyTorch: cuBLAS gemm with one
--                       column (k = 1 for the outer product), our reduction;
--   fig2-gpu-f32-ref    the copy ceiling, gemv, our own kernels, fused.

local sizes = by_profile {
  full  = range(1000, 20000, 500),
  quick = range(1000, 20000, 1900),
  tiny  = { 200, 400 },
}
-- Sampled as fig2_gpu_f64.lua says: 20 ms samples, at least 6, then up to
-- 20 (or 1 s a point) until the interval is within 0.5% of the median.
local function sampled(decl)
  local s = profile == "tiny" and { iterations = 2, samples = 3, warmup = 0 }
    or { iterations = "auto", min_batch_time = 0.02, samples = 6, target_rel_ci = 0.005,
         max_samples = 20, max_time = 1, warmup = 1 }
  for k, v in pairs(s) do decl[k] = v end
  return decl
end

experiment(sampled {
  name = "fig2-gpu-f32-torch", backend = "torch-cuda", dtype = "f32",
  op = { "matvec", "outer_sum" }, axis = 0, impl = "article", n = sizes, optional = true,
})

experiment(sampled {
  name = "fig2-gpu-f32", backend = "cublas", dtype = "f32",
  op = { "matvec", "outer_sum" }, axis = 0,
  impl = { matvec = "gemm", outer_sum = "gemm" }, n = sizes,
})

experiment(sampled {
  name = "fig2-gpu-f32-ref", backend = { "cublas", "cuda" }, dtype = "f32",
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { copy = "memcpy", matvec = { "gemv", "rowdot" }, outer_sum = { "materialized", "fused" } },
  n = profile == "tiny" and { 400 } or { 1000, 2000, 5000, 10000, 15000, 20000 },
})

-- The article's claim on this panel, judged by `runner report` on PyTorch.
claim {
  id = "torch-ratio",
  text = "PyTorch, float32: at N = 20000 the outer product and sum takes more than 2 times as long as matvec.",
  article = "more than 2",
  measure = { kind = "ratio", experiment = "fig2-gpu-f32-torch", n = 20000,
              num = { op = "outer_sum", axis = 0 }, den = { op = "matvec" } },
  expect = { above = 2 },
  references = {
    { host = "h200", class = "NVIDIA H200", value = 2.39, tolerance = 0.1 },
  },
}

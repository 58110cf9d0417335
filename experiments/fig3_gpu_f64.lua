-- The article's Figure 3: the CuPy float64 panel with the summation over
-- the other axis. The article's text says each row (axis 1), which is also
-- what its listing (cupy.sum(q, axis=1)) shows for both figures; Figure 2's
-- script measures axis 0, so that both axes are shown. The framework
-- (fig3-gpu-f64-cupy) and the library under it (fig3-gpu-f64: cuBLAS gemm
-- and our row reduction), sampled as fig2_gpu_f64.lua says.

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
  name = "fig3-gpu-f64-cupy", backend = "cupy", dtype = "f64",
  op = { "matvec", "outer_sum" }, axis = 1, impl = "article", n = sizes, optional = true,
})

experiment(sampled {
  name = "fig3-gpu-f64", backend = "cublas", dtype = "f64",
  op = { "matvec", "outer_sum" }, axis = 1,
  impl = { matvec = "gemm", outer_sum = "gemm" }, n = sizes,
})

-- The article's claim on this figure, judged by `runner report` on CuPy.
claim {
  id = "other-axis",
  text = "CuPy, float64: summing over the other axis (almost) makes the run-times of the two operations equal.",
  article = "almost equal",
  measure = { kind = "ratio", experiment = "fig3-gpu-f64-cupy", n = 20000,
              num = { op = "outer_sum", axis = 1 }, den = { op = "matvec" } },
  expect = { below = 1.15 },
  references = {
    { host = "h200", class = "NVIDIA H200", value = 1.98, tolerance = 0.1 },
  },
}

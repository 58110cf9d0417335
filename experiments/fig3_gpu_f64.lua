-- The article's Figure 3: the CuPy float64 panel with the summation over
-- the other axis. The article's text says each row (axis 1), which is also
-- what its listing (cupy.sum(q, axis=1)) shows for both figures; Figure 2's
-- script measures axis 0, so that both axes are shown.

local sizes = by_profile {
  full  = range(1000, 20000, 500),
  quick = range(1000, 20000, 1900),
  tiny  = { 200, 400 },
}

experiment {
  name = "fig3-gpu-f64", backend = "cublas", dtype = "f64",
  op = { "matvec", "outer_sum" }, axis = 1,
  impl = { matvec = "gemm", outer_sum = "gemm" },
  n = sizes, iterations = profile == "tiny" and 2 or 1000, samples = 3, target_rel_ci = 0.01, max_samples = 6, warmup = 0,
}

-- The article's claim on this figure, judged by `runner report`.
claim {
  id = "other-axis",
  text = "CuPy, float64: summing over the other axis (almost) makes the run-times of the two operations equal.",
  article = "almost equal",
  measure = { kind = "ratio", experiment = "fig3-gpu-f64", n = 20000,
              num = { op = "outer_sum", impl = "gemm", axis = 1 }, den = { op = "matvec", impl = "gemm" } },
  expect = { below = 1.15 },
}

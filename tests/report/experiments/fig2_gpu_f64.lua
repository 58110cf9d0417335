-- Test double of experiments/fig2_gpu_f64.lua: the same experiments, tiny.
experiment {
  name = "fig2-gpu-f64", backend = "cublas", dtype = "f64", optional = true,
  op = { "matvec", "outer_sum" }, axis = 0, impl = { matvec = "gemm", outer_sum = "gemm" },
  n = { 1000, 2000, 4000, 8000 }, iterations = 10, samples = 5,
}

experiment {
  name = "fig2-gpu-f64-ref", backend = { "cublas", "cuda" }, dtype = "f64", optional = true,
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { copy = "memcpy", matvec = { "gemv", "rowdot" }, outer_sum = { "materialized", "fused" } },
  n = { 1000, 2000, 4000, 8000 }, iterations = 10, samples = 5,
}

claim {
  id = "cupy-ratio",
  text = "CuPy, float64: outer product and sum takes about 1.5 times as long as matvec.",
  article = "about 1.5",
  measure = { kind = "ratio", experiment = "fig2-gpu-f64", n = 20000,
              num = { op = "outer_sum", impl = "gemm", axis = 0 }, den = { op = "matvec" } },
  expect = { near = 1.5, tolerance = 0.3 }, references = { { host = "fakegpu", class = "Fake H100", value = 2.48, tolerance = 0.05 } },
}

claim {
  id = "gap-grows",
  text = "The gap grows with N.",
  article = "grows",
  measure = { kind = "growth", of = "difference", experiment = "fig2-gpu-f64", from = 1000, to = 20000,
              num = { op = "outer_sum", axis = 0 }, den = { op = "matvec" } },
  expect = { above = 1 },
}

-- The difference starts below zero (rowdot is the faster at N = 1000, fused
-- the faster at 8000): judged on the differences, not their ratio.
claim {
  id = "crossover-grows",
  text = "The matvec's lead over the fused outer_sum turns into a gap that grows.",
  article = "grows",
  measure = { kind = "growth", of = "difference", experiment = "fig2-gpu-f64-ref", from = 1000, to = 8000,
              num = { op = "matvec", impl = "rowdot" }, den = { op = "outer_sum", impl = "fused", axis = 0 } },
  expect = { above = 1 },
}

-- The article's framework (CuPy), and its companion: fake data for the
-- first, none for the second.
experiment {
  name = "fig2-gpu-f64-cupy", backend = "cupy", dtype = "f64", optional = true,
  op = { "matvec", "outer_sum" }, axis = 0, impl = "article",
  n = { 1000, 2000, 4000, 8000 }, iterations = 10, samples = 5,
}

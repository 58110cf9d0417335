-- The article's Figure 2, first panel: CuPy on the GPU, float64, the
-- product summed over each column (axis 0), as the article's text says;
-- its listing shows axis=1, which fig3_gpu_f64.lua measures.
--
-- Three layers, each on the same machine:
--   fig2-gpu-f64-cupy  the article's own CuPy calls (backend cupy, impl
--                      article: cupy.matmul(matrix, vector) and
--                      cupy.sum(cupy.matmul(x, y), axis)), timed with CUDA
--                      events around the calls, as the article does;
--   fig2-gpu-f64       the library under CuPy: cuBLAS gemm with one column
--                      (k = 1 for the outer product), then our reduction;
--   fig2-gpu-f64-ref   the copy ceiling, gemv, our own kernels for both
--                      summation axes, and the fused outer_sum.
--
-- A sample is as many calls as last 20 ms (iterations = "auto"), whatever
-- N is: the time per call is what is compared, and the figures show it
-- times the article's 1000 calls. The points of one N are measured together
-- in rounds. At least 6 samples (the median's interval then has 95%
-- coverage); then more, up to 20 or 1 s of sampling a point, until the
-- interval is within 0.5% of the median. A claim's two points go on until
-- its paired ratio has its coverage (a growth's two ratios 97.5% each: 7
-- rounds) and its precision, up to their max_samples.
-- The tests' profile (tiny) takes 3 samples of 2 calls: no coverage claimed.

local sizes = by_profile {
  full  = range(1000, 20000, 500),
  quick = range(1000, 20000, 1900),
  tiny  = { 200, 400 },
}
local function sampled(decl)
  local s = profile == "tiny" and { iterations = 2, samples = 3, warmup = 0 }
    or { iterations = "auto", min_batch_time = 0.02, samples = 6, target_rel_ci = 0.005,
         max_samples = 20, max_time = 1, warmup = 1 }
  for k, v in pairs(s) do decl[k] = v end
  return decl
end

-- optional: a GPU host without CuPy still measures the layers below it.
experiment(sampled {
  name = "fig2-gpu-f64-cupy", backend = "cupy", dtype = "f64",
  op = { "matvec", "outer_sum" }, axis = 0, impl = "article", n = sizes, optional = true,
})

experiment(sampled {
  name = "fig2-gpu-f64", backend = "cublas", dtype = "f64",
  op = { "matvec", "outer_sum" }, axis = 0,
  impl = { matvec = "gemm", outer_sum = "gemm" }, n = sizes,
})

experiment(sampled {
  name = "fig2-gpu-f64-ref", backend = { "cublas", "cuda" }, dtype = "f64",
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { copy = "memcpy", matvec = { "gemv", "rowdot" }, outer_sum = { "materialized", "fused" } },
  n = profile == "tiny" and { 400 } or { 1000, 2000, 5000, 10000, 15000, 20000 },
})

-- The article's claims on this panel, judged by `runner report` (see
-- lua/report_claims.lua) on the framework the article names: a ratio of
-- medians at n, its interval from the medians' confidence bounds, against a
-- tolerance. A claim that does not hold is reported in the paper, not an
-- error.
claim {
  id = "cupy-ratio",
  text = "CuPy, float64: at N = 20000 the outer product and sum takes roughly 1.5 times as long as matvec.",
  article = "roughly 1.5",
  measure = { kind = "ratio", experiment = "fig2-gpu-f64-cupy", n = 20000,
              num = { op = "outer_sum", axis = 0 }, den = { op = "matvec" } },
  expect = { near = 1.5, tolerance = 0.3 },
  -- The value recorded on a class of machine (results/<host>/), and how far
  -- a rerun on that class may land from it; checked against those results
  -- by tests/report/test_hosts.sh (lua/report_refs.lua).
  references = {
    { host = "h200", class = "NVIDIA H200", value = 2.57, tolerance = 0.1 },
  },
}

claim {
  id = "gap-grows",
  text = "The difference between the two run-times gets larger as N increases.",
  article = "grows",
  measure = { kind = "growth", of = "difference", experiment = "fig2-gpu-f64-cupy", from = 1000, to = 20000,
              num = { op = "outer_sum", axis = 0 }, den = { op = "matvec" } },
  expect = { above = 1 },
  references = {
    { host = "h200", class = "NVIDIA H200", value = 37.4, tolerance = 17 },
  },
}

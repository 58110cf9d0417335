-- bench_frameworks.lua: what `tools/bench.sh frameworks` measures on a GPU
-- host: the article's frameworks (CuPy, PyTorch; impl article) beside the
-- library under them (cuBLAS gemm), our own kernels (rowdot, materialised
-- and fused outer_sum) and the copy ceiling, at n = 1000 and n = 20000, in
-- both dtypes and both summation axes. The batch sizes are fixed (1000
-- calls at n = 1000, 50 at n = 20000: 20 to 130 ms) so that
-- peers/bare_article.py times the same batches of the same calls in a bare
-- Python loop, to show what the protocol adds: nothing inside a batch.

local function at(n, iterations)
  local common = { dtype = { "f32", "f64" }, axis = { 0, 1 }, n = n, iterations = iterations,
                   samples = 11, warmup = 2 }
  local function with(t) for k, v in pairs(common) do t[k] = v end return t end
  experiment(with { name = "bench-frameworks-" .. n, backend = { "cupy", "torch-cuda" },
                    op = { "matvec", "outer_sum" }, impl = "article", optional = true })
  experiment(with { name = "bench-libraries-" .. n, backend = { "cublas", "cuda" },
                    op = { "copy", "matvec", "outer_sum" },
                    impl = { copy = "memcpy", matvec = { "gemm", "rowdot" },
                             outer_sum = { "gemm", "materialized", "fused" } } })
end
at(1000, 1000)
at(20000, 50)

-- bench_gpu.lua: what `make bench-gpu` measures on a GPU host (tools/bench.sh
-- gpu). Both GPU backends, f32 and f64, every impl of every op, outer_sum
-- over both axes: the copy ceilings (cudaMemcpyAsync and our vector copy
-- kernel), matvec (cuBLAS gemv and gemm with one column, our rowdot) and
-- outer_sum (cuBLAS gemm k = 1 or our outer-product kernel, then our
-- reductions; fused on the tensor cores; fused_simt on the FMA pipes). Every
-- point against the best copy's GB/s of its backend, dtype and n, and the
-- fused speed-ups at n = 20000; the ratios come from this one run.
--
-- n = 1000: the matrix (4 or 8 MB) stays in the 50 MB L2 and a call lasts a
-- few microseconds, so launch overhead is what is measured; 1000 calls a
-- sample, as the article. n = 20000: 1.6 or 3.2 GB a matrix, 0.5 to 2 ms a
-- call, so 200 calls (0.1 to 0.4 s a sample) already make launch gaps and
-- the event timer's 0.5 us resolution negligible (< 0.1%), and keep the run
-- inside a few minutes of the GPU lease. (Fused calls are ~15 us: 200 of them
-- still last 3 ms.)
--
-- bench-gpu-graph: n = 1000 again, each batch of 1000 calls captured once as
-- a CUDA graph and replayed, after an L2 flush: what is left of a call once
-- the launch overhead is gone. (The flush precedes each batch, so it makes
-- only the first of 1000 calls cold; it is here to exercise that path.)

local backends = { "cublas", "cuda" }
local impls = {
  copy = { "memcpy", "kernel" },
  matvec = { "gemv", "gemm", "rowdot" },
  outer_sum = { "gemm", "materialized", "fused", "fused_simt" },
}

experiment {
  name = "bench-gpu-small", backend = backends, dtype = { "f32", "f64" },
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 }, impl = impls,
  n = 1000, iterations = 1000, samples = 7, warmup = 1,
}

experiment {
  name = "bench-gpu-large", backend = backends, dtype = { "f32", "f64" },
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 }, impl = impls,
  n = 20000, iterations = 200, samples = 7, warmup = 1, -- 7: 95% coverage (6 suffice)
}

experiment {
  name = "bench-gpu-graph", backend = backends, dtype = { "f32", "f64" },
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 }, impl = impls,
  n = 1000, iterations = 1000, samples = 7, warmup = 1, graph = true, flush_l2 = true,
}

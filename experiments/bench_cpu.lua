-- bench_cpu.lua: what `make bench` measures on the CPU (tools/bench.sh cpu).
-- OpenBLAS at two sizes, f32 and f64: the copy ceiling, matvec by gemv and
-- by gemm with one column, and outer_sum over both axes, materialised (gemm
-- with k = 1, or our own writer with streaming stores; then a gemv
-- reduction) and fused (the n x n product never stored). Every point against
-- the copy's GB/s of its dtype and n; the ratios come from this one run.

experiment {
  name = "bench-cpu", backend = "openblas", dtype = { "f32", "f64" },
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { matvec = { "gemv", "gemm" }, outer_sum = { "gemm", "materialized", "fused" } },
  n = { 4000, 8000 }, iterations = "auto", min_batch_time = 0.1,
  samples = 7, warmup = 1, threads = 0,
}

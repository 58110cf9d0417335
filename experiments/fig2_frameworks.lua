-- Figure 2's companion: the article's frameworks in both dtypes, every
-- impl, both summation axes. `article` is the article's code exactly; the
-- others are what a user would write instead (torch.mv, A @ x, torch.outer
-- or matmul then sum; cupy.dot, cupy.outer). Every impl forms all N^2
-- products: the same FLOPs. The article measured CuPy in float64 and
-- PyTorch in float32; here both are measured in both.

-- Sampled as fig2_gpu_f64.lua and fig2_cpu.lua say: batches of a set time
-- (batch), at least 6 samples (95% coverage), then more until the interval
-- is within target (0.5% on the GPU, 2% on the CPU), at most max_samples or
-- max_time seconds of sampling a point.
local function sampled(decl, batch, target, max_samples, max_time)
  local s = profile == "tiny" and { iterations = 2, samples = 3, warmup = 0 }
    or { iterations = "auto", min_batch_time = batch, samples = 6, target_rel_ci = target,
         max_samples = max_samples, max_time = max_time, warmup = 1 }
  for k, v in pairs(s) do decl[k] = v end
  return decl
end

-- On the GPU: CuPy and PyTorch, sampled as fig2_gpu_f64.lua says.
experiment(sampled({
  name = "frameworks-gpu", backend = { "cupy", "torch-cuda" }, dtype = { "f32", "f64" },
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { copy = { "copy", "clone" }, matvec = { "article", "dot", "mv", "matmul" },
           outer_sum = { "article", "outer", "matmul" } },
  n = profile == "tiny" and { 400 } or { 1000, 2000, 5000, 10000, 15000, 20000 },
  optional = true,
}, 0.02, 0.005, 20, 1))

-- On the CPU: PyTorch and NumPy (CuPy's counterpart), 50 ms samples; quick
-- (make paper on 2 cores) at one small size: no figure or claim reads this
-- table, and at N = 5000 its 48 points took 87 s of make paper.
experiment(sampled({
  name = "frameworks-cpu", backend = { "torch", "numpy" }, dtype = { "f32", "f64" },
  op = { "copy", "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { copy = { "copy", "clone" }, matvec = { "article", "dot", "mv", "matmul" },
           outer_sum = { "article", "outer", "matmul" } },
  n = by_profile { full = { 1000, 2000, 5000, 10000, 20000 }, quick = { 2000 }, tiny = { 64 } },
  optional = true,
}, profile == "full" and 0.2 or 0.05, 0.02, profile == "full" and 30 or 12, profile == "full" and 6 or 0.6))

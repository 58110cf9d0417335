-- make_data.lua: writes the fake results the report tests read (run from
-- tests/report: lua5.4 data/make_data.lua). Times follow a simple model:
-- a launch cost plus the bytes a call moves over a bandwidth. They are
-- made so that the test claims come out every way: one holds, two do not
-- hold, one is inconclusive (the CPU's: its samples, in rounds, drift by a
-- factor of 2 over the run, so its unpaired interval is wide, and jitter by
-- 12% each, so even its paired interval straddles the claim's bound).
local header = "experiment,backend,op,impl,dtype,axis,n,iterations,threads,graph,flush_l2,samples,"
  .. "median_s,ci_low_s,ci_high_s,ci_level,min_s,max_s,mean_s,stddev_s,rel_ci,outliers,flops,bytes,"
  .. "gbps,gflops,rel_err,seed"

local size = { f32 = 4, f64 = 8 }

local function bytes(op, impl, s, n)
  if op == "copy" then return 2 * s * n * n end
  if op == "matvec" then return s * (n * n + 2 * n) end
  if impl:find("fused") then return 3 * s * n end
  return s * (2 * n * n + 3 * n)
end

-- A reproducible number in [-1, 1] (a small LCG), for the jitter of samples.
local lcg = 12345
local function jitter()
  lcg = (lcg * 1103515245 + 12345) % 2147483648
  return 2 * lcg / 2147483648 - 1
end

-- Ten rounds of samples of time t: a drift that slows every point alike
-- from 1 to 1 + drift over the run, and a jitter of each sample's own.
-- Returns the samples and the summary (median, interval of ranks 2 and 9,
-- min, max, mean, stddev) the runner would write.
local function round_samples(t, rounds)
  local xs = {}
  for r = 1, rounds.count do
    xs[r] = t * (1 + rounds.drift * (r - 1) / (rounds.count - 1)) * (1 + rounds.jitter * jitter())
  end
  local sorted = { table.unpack(xs) }
  table.sort(sorted)
  local sum, ss = 0, 0
  for _, x in ipairs(xs) do sum = sum + x end
  local mean = sum / #xs
  for _, x in ipairs(xs) do ss = ss + (x - mean) ^ 2 end
  return xs, { median = (sorted[5] + sorted[6]) / 2, low = sorted[2], high = sorted[9], min = sorted[1],
               max = sorted[10], mean = mean, stddev = math.sqrt(ss / 9), level = 0.978515625 }
end

-- With rounds, samples.csv holds rounds.count rounds of every point at
-- each N (the columns the runner writes, no run_id as the provenance has
-- none), and the summary is made from them; then one throttled round.
local function write_experiment(dir, name, backend, dtype, host, series, ns, noise, rounds)
  os.execute("mkdir -p " .. dir)
  local f = assert(io.open(dir .. "/summary.csv", "w"))
  local sf = rounds and assert(io.open(dir .. "/samples.csv", "w"))
  f:write(header, "\n")
  if sf then
    sf:write("experiment,backend,op,impl,dtype,axis,n,iterations,sample,round,order,batch_s,per_call_s,"
             .. "disturbed,sm_mhz,mem_mhz,throttle,steal,cpu_mhz\n")
  end
  local s = size[dtype]
  for _, sr in ipairs(series) do
    for _, n in ipairs(ns) do
      local b = bytes(sr.op, sr.impl, s, n)
      local t = sr.launch + b / sr.bw
      local st = { median = t, low = t * (1 - noise), high = t * (1 + noise), min = t * (1 - noise),
                   max = t * (1 + noise), mean = t, stddev = t * noise / 2, level = 0.95 }
      local count = 5
      if rounds then
        local xs
        xs, st = round_samples(t, rounds)
        count = #xs
        for r, x in ipairs(xs) do
          sf:write(table.concat({ name, sr.backend or backend, sr.op, sr.impl, dtype, sr.axis or "", n, 10,
            r, r, 1, string.format("%.9g", 10 * x), string.format("%.9g", x), "", "", "", "", "0.0000",
            "2450" }, ","), "\n")
        end
        -- A last round taken while the GPU was throttled: 3 times slower,
        -- marked, and left out of the summary as the runner leaves it out.
        sf:write(table.concat({ name, sr.backend or backend, sr.op, sr.impl, dtype, sr.axis or "", n, 10,
          #xs + 1, #xs + 1, 1, string.format("%.9g", 30 * t), string.format("%.9g", 3 * t), "throttled",
          "1200", "2619", "0x40", "0.0000", "2450" }, ","), "\n")
      end
      local flops = sr.op == "copy" and 0 or 2 * n * n - n
      local rel = (st.high - st.low) / (2 * st.median)
      f:write(table.concat({ name, sr.backend or backend, sr.op, sr.impl, dtype, sr.axis or "", n, 10,
        0, 0, 0, count, string.format("%.9g", st.median), string.format("%.9g", st.low),
        string.format("%.9g", st.high), st.level, string.format("%.9g", st.min),
        string.format("%.9g", st.max), string.format("%.9g", st.mean),
        string.format("%.9g", st.stddev), string.format("%.6g", rel), 0, flops, b,
        string.format("%.6g", b / st.median / 1e9), string.format("%.6g", flops / st.median / 1e9), "1e-7",
        1 }, ","), "\n")
    end
  end
  f:close()
  if sf then sf:close() end
  local p = assert(io.open(dir .. "/provenance.csv", "w"))
  p:write("key,value\n")
  for _, kv in ipairs(host) do p:write(kv[1], ",", kv[2], "\n") end
  p:write("experiment,", name, "\n")
  p:write('params,"{ name = ""', name, '"", n = { 1000, 2000 } }"\n')
  p:close()
end

local gpu_host = {
  { "host", "fakegpu" }, { "cpu_model", "Fake Xeon 8480" }, { "cpu_cores", "16" },
  { "os", "Ubuntu 24.04" }, { "compiler", "gcc 12.2" }, { "runner_commit", "0123456789abcdef" },
  { "runner_dirty", "0" }, { "date_utc", "2026-11-20T10:00:00Z" }, { "gpu_name", "Fake H100 80GB HBM3" },
  { "driver_version", "580.00" }, { "cuda_runtime_version", "13.0" }, { "cublas_version", "13.0.0" },
  { "script_sha256", "0000000000000000000000000000000000000000000000000000000000000000" },
}
local cpu_host = {
  { "host", "thishost" }, { "cpu_model", "Fake EPYC 7B13 (2 cores)" }, { "cpu_cores", "2" },
  { "os", "Debian 12" }, { "compiler", "gcc 12.2" }, { "runner_commit", "fedcba9876543210" },
  { "runner_dirty", "1" }, { "date_utc", "2026-11-27T09:00:00Z" }, { "openblas_version", "0.3.21" },
  { "openblas_threads", "2" },
}
local gpu_ns, cpu_ns = { 1000, 2000, 4000, 8000 }, { 1000, 2000, 4000 }

-- A framework worker's facts, as the runner records them (<backend>_<fact>).
local function with_worker(host, backend, framework, version)
  local out = {}
  for i, kv in ipairs(host) do out[i] = kv end
  out[#out + 1] = { backend .. "_framework", framework }
  out[#out + 1] = { backend .. "_framework_version", version }
  return out
end

local gpu64 = "data/recorded/fakegpu/"
write_experiment(gpu64 .. "fig2-gpu-f64", "fig2-gpu-f64", "cublas", "f64", gpu_host, {
  { op = "matvec", impl = "gemm", launch = 12e-6, bw = 2.9e12 },
  { op = "outer_sum", impl = "gemm", axis = 0, launch = 22e-6, bw = 2.3e12 },
}, gpu_ns, 0.002)
write_experiment(gpu64 .. "fig2-gpu-f64-ref", "fig2-gpu-f64-ref", "cublas", "f64", gpu_host, {
  { op = "copy", impl = "memcpy", launch = 5e-6, bw = 3.0e12 },
  { op = "matvec", impl = "gemv", launch = 10e-6, bw = 2.95e12 },
  { op = "copy", impl = "memcpy", backend = "cuda", launch = 5e-6, bw = 2.98e12 },
  { op = "matvec", impl = "rowdot", backend = "cuda", launch = 6e-6, bw = 2.7e12 },
  { op = "outer_sum", impl = "materialized", axis = 0, backend = "cuda", launch = 9e-6, bw = 2.6e12 },
  { op = "outer_sum", impl = "materialized", axis = 1, backend = "cuda", launch = 9e-6, bw = 2.8e12 },
  { op = "outer_sum", impl = "fused", axis = 0, backend = "cuda", launch = 8e-6, bw = 2e9 },
  { op = "outer_sum", impl = "fused", axis = 1, backend = "cuda", launch = 8e-6, bw = 2.2e9 },
}, gpu_ns, 0.002)
-- CuPy: a larger launch cost and a slower column reduction than cuBLAS.
write_experiment(gpu64 .. "fig2-gpu-f64-cupy", "fig2-gpu-f64-cupy", "cupy", "f64",
  with_worker(gpu_host, "cupy", "cupy", "14.0.0"), {
  { op = "matvec", impl = "article", launch = 16e-6, bw = 2.9e12 },
  { op = "outer_sum", impl = "article", axis = 0, launch = 60e-6, bw = 1.8e12 },
}, gpu_ns, 0.002)
write_experiment(gpu64 .. "fig3-gpu-f64", "fig3-gpu-f64", "cublas", "f64", gpu_host, {
  { op = "matvec", impl = "gemm", launch = 12e-6, bw = 2.9e12 },
  { op = "outer_sum", impl = "gemm", axis = 1, launch = 20e-6, bw = 2.7e12 },
}, gpu_ns, 0.002)
write_experiment(gpu64 .. "fig2-gpu-f32", "fig2-gpu-f32", "cublas", "f32", gpu_host, {
  { op = "matvec", impl = "gemm", launch = 10e-6, bw = 2.9e12 },
  { op = "outer_sum", impl = "gemm", axis = 0, launch = 20e-6, bw = 2.4e12 },
}, gpu_ns, 0.002)
write_experiment(gpu64 .. "fig2-gpu-f32-ref", "fig2-gpu-f32-ref", "cublas", "f32", gpu_host, {
  { op = "copy", impl = "memcpy", launch = 5e-6, bw = 3.0e12 },
  { op = "matvec", impl = "gemv", launch = 10e-6, bw = 2.9e12 },
  { op = "outer_sum", impl = "fused", axis = 0, backend = "cuda", launch = 8e-6, bw = 1e9 },
}, gpu_ns, 0.002)
write_experiment("data/live/fig2-cpu", "fig2-cpu", "openblas", "f32", cpu_host, {
  { op = "matvec", impl = "gemm", launch = 30e-6, bw = 12e9 },
  { op = "outer_sum", impl = "gemm", axis = 0, launch = 40e-6, bw = 12e9 * 2 / 1.3 },
}, cpu_ns, 0.10, { count = 10, drift = 1.0, jitter = 0.12 })
write_experiment("data/live/fig2-cpu-ref", "fig2-cpu-ref", "openblas", "f32", cpu_host, {
  { op = "copy", impl = "memcpy", launch = 2e-6, bw = 9e9 },
  { op = "matvec", impl = "gemv", launch = 30e-6, bw = 12e9 },
  { op = "outer_sum", impl = "gemm", axis = 0, launch = 40e-6, bw = 14e9 },
  { op = "outer_sum", impl = "gemm", axis = 1, launch = 40e-6, bw = 15e9 },
  { op = "outer_sum", impl = "fused", axis = 0, launch = 20e-6, bw = 0.05e9 },
  { op = "outer_sum", impl = "fused", axis = 1, launch = 20e-6, bw = 0.06e9 },
}, cpu_ns, 0.05)

-- Two more recorded hosts, older than fakegpu (so the report's single
-- source stays fakegpu's) for the report across hosts: an H200-like card
-- with the libraries' experiments alone, and a CPU of this host's class.
local h200_host = {}
for i, kv in ipairs(gpu_host) do h200_host[i] = kv end
h200_host[1] = { "host", "fakeh200" }
h200_host[8] = { "date_utc", "2026-11-10T10:00:00Z" }
h200_host[9] = { "gpu_name", "Fake H200" }
write_experiment("data/recorded/fakeh200/fig2-gpu-f64", "fig2-gpu-f64", "cublas", "f64", h200_host, {
  { op = "matvec", impl = "gemm", launch = 10e-6, bw = 4.1e12 },
  { op = "outer_sum", impl = "gemm", axis = 0, launch = 20e-6, bw = 3.6e12 },
}, gpu_ns, 0.002)
write_experiment("data/recorded/fakeh200/fig2-gpu-f32", "fig2-gpu-f32", "cublas", "f32", h200_host, {
  { op = "matvec", impl = "gemm", launch = 9e-6, bw = 4.0e12 },
  { op = "outer_sum", impl = "gemm", axis = 0, launch = 18e-6, bw = 3.4e12 },
}, gpu_ns, 0.002)
local cpu_recorded = {}
for i, kv in ipairs(cpu_host) do cpu_recorded[i] = kv end
cpu_recorded[1] = { "host", "fakecpu" }
cpu_recorded[8] = { "date_utc", "2026-11-01T09:00:00Z" }
write_experiment("data/recorded/fakecpu/fig2-cpu", "fig2-cpu", "openblas", "f32", cpu_recorded, {
  { op = "matvec", impl = "gemm", launch = 30e-6, bw = 12e9 },
  { op = "outer_sum", impl = "gemm", axis = 0, launch = 40e-6, bw = 12e9 * 2 / 1.3 },
}, cpu_ns, 0.05)
-- Its row sums half as fast as this build's: a reference that differs.
write_experiment("data/recorded/fakecpu/fig2-cpu-ref", "fig2-cpu-ref", "openblas", "f32", cpu_recorded, {
  { op = "copy", impl = "memcpy", launch = 2e-6, bw = 9e9 },
  { op = "matvec", impl = "gemv", launch = 30e-6, bw = 12e9 },
  { op = "outer_sum", impl = "gemm", axis = 0, launch = 40e-6, bw = 14e9 },
  { op = "outer_sum", impl = "gemm", axis = 1, launch = 40e-6, bw = 7.5e9 },
  { op = "outer_sum", impl = "fused", axis = 0, launch = 20e-6, bw = 0.05e9 },
  { op = "outer_sum", impl = "fused", axis = 1, launch = 20e-6, bw = 0.06e9 },
}, cpu_ns, 0.01)

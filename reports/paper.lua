-- paper.lua: what paper/paper.tex shows, read by `runner report`.
-- Each figure{} becomes build/paper/gen/<file>.gp, drawn by gnuplot into
-- <file>.tex + <file>.pdf (a legend becomes <file>.tex directly), which the
-- paper inputs. The experiments are the ones the scripts given to the
-- report declare (make passes experiments/fig*.lua); where their results
-- come from is the report's business (lua/report_data.lua).
--
-- Each article panel has three layers, each an experiment of its script:
-- the article's framework (fig2-gpu-f64-cupy: CuPy; fig2-gpu-f32-torch
-- and fig2-cpu-torch: PyTorch), the library under it called directly
-- (fig2-gpu-f64 and fig2-gpu-f32: cuBLAS gemm; fig2-cpu: OpenBLAS gemm),
-- and a "-ref" one on the same machine: the copy ceiling, gemv, our own
-- kernels for both summation axes, and the fused outer_sum. The figures
-- draw the framework solid and the library dashed; the claims are judged
-- on the framework.

-- Figure 2: the article's three panels, one shared key.
local function panel(file, framework, library)
  figure { file = file, kind = "runtime", experiment = framework, series = {
    { op = "matvec", label = "matvec, the article's framework" },
    { op = "outer_sum", axis = 0, label = "outer, columns (axis 0), the article's framework" },
    { experiment = library, op = "matvec", impl = "gemm", dashed = true,
      label = "matvec, the library under it (gemm)" },
    { experiment = library, op = "outer_sum", impl = "gemm", dashed = true,
      label = "outer, columns, the library under it (gemm)" } } }
end
panel("fig2-gpu-f64", "fig2-gpu-f64-cupy", "fig2-gpu-f64")
panel("fig2-gpu-f32", "fig2-gpu-f32-torch", "fig2-gpu-f32")
panel("fig2-cpu", "fig2-cpu-torch", "fig2-cpu")
figure { file = "fig2-key", kind = "legend", figures = { "fig2-gpu-f64", "fig2-gpu-f32", "fig2-cpu" } }

-- Figure 3: CuPy's float64 panel summed over the other axis (rows), with
-- Figure 2's columns from its own run, and the library under CuPy.
figure { file = "fig3-gpu-f64", kind = "runtime", experiment = "fig3-gpu-f64-cupy", size = "8cm,6.2cm",
         series = { { op = "matvec", label = "matvec, CuPy" },
                    { op = "outer_sum", axis = 1, label = "outer, rows (axis 1), CuPy" },
                    { experiment = "fig2-gpu-f64-cupy", op = "outer_sum", axis = 0,
                      label = "outer, columns (axis 0), CuPy, Figure 2's run" },
                    { experiment = "fig3-gpu-f64", op = "outer_sum", impl = "gemm", dashed = true,
                      label = "outer, rows, cuBLAS gemm and our row sums" } } }

-- What explains the gap: the bandwidth every series achieves against the
-- copy ceiling of the same machine, the fused outer_sum included.
local function bandwidth(file, main, ref, extra)
  local series = { { experiment = ref, op = "copy", backend = "cublas" },
                   { experiment = main, op = "matvec" }, { experiment = main, op = "outer_sum" },
                   { experiment = ref, op = "outer_sum", impl = "fused" } }
  if ref:find("cpu", 1, true) then series[1].backend = "openblas" end
  for _, s in ipairs(extra or {}) do series[#series + 1] = s end
  figure { file = file, kind = "bandwidth", experiment = ref, series = series }
end
bandwidth("bandwidth-gpu-f64", "fig2-gpu-f64", "fig2-gpu-f64-ref",
          { { experiment = "fig3-gpu-f64", op = "outer_sum" } })
bandwidth("bandwidth-gpu-f32", "fig2-gpu-f32", "fig2-gpu-f32-ref")
bandwidth("bandwidth-cpu", "fig2-cpu", "fig2-cpu-ref")
figure { file = "bandwidth-key", kind = "legend",
         figures = { "bandwidth-gpu-f64", "bandwidth-gpu-f32", "bandwidth-cpu" } }

bytes_table {
  { title = "GPU, float64", ceiling = "fig2-gpu-f64-ref",
    experiments = { "fig2-gpu-f64-cupy", "fig3-gpu-f64-cupy", "fig2-gpu-f64", "fig3-gpu-f64", "fig2-gpu-f64-ref" } },
  { title = "GPU, float32", ceiling = "fig2-gpu-f32-ref",
    experiments = { "fig2-gpu-f32-torch", "fig2-gpu-f32", "fig2-gpu-f32-ref" } },
  { title = "CPU, float32", ceiling = "fig2-cpu-ref", experiments = { "fig2-cpu-torch", "fig2-cpu", "fig2-cpu-ref" } },
}

-- Where the time goes: each panel's calls at the smallest and largest N,
-- through the framework, the library under it, our own kernels, and the
-- floor (bytes over the copy ceiling of the same run).
local function row(key, title, ceiling, fw, lib, ours)
  return { key = key, title = title, ceiling = ceiling,
           framework = { experiment = fw[1], series = fw[2] },
           library = { experiment = lib[1], series = lib[2] },
           ours = ours and { experiment = ours[1], series = ours[2] } }
end
layers_table {
  sizes = { 1000, 20000 },
  row("cupy-matvec", "CuPy f64, matvec", "fig2-gpu-f64-ref", { "fig2-gpu-f64-cupy", { op = "matvec" } },
      { "fig2-gpu-f64", { op = "matvec", impl = "gemm" } }, { "fig2-gpu-f64-ref", { op = "matvec", impl = "rowdot" } }),
  row("cupy-cols", "CuPy f64, outer, columns", "fig2-gpu-f64-ref", { "fig2-gpu-f64-cupy", { op = "outer_sum" } },
      { "fig2-gpu-f64", { op = "outer_sum", impl = "gemm" } },
      { "fig2-gpu-f64-ref", { op = "outer_sum", impl = "materialized", axis = 0 } }),
  row("cupy-rows", "CuPy f64, outer, rows", "fig2-gpu-f64-ref", { "fig3-gpu-f64-cupy", { op = "outer_sum" } },
      { "fig3-gpu-f64", { op = "outer_sum", impl = "gemm" } },
      { "fig2-gpu-f64-ref", { op = "outer_sum", impl = "materialized", axis = 1 } }),
  row("torch-matvec", "PyTorch f32, matvec", "fig2-gpu-f32-ref", { "fig2-gpu-f32-torch", { op = "matvec" } },
      { "fig2-gpu-f32", { op = "matvec", impl = "gemm" } }, { "fig2-gpu-f32-ref", { op = "matvec", impl = "rowdot" } }),
  row("torch-cols", "PyTorch f32, outer, columns", "fig2-gpu-f32-ref", { "fig2-gpu-f32-torch", { op = "outer_sum" } },
      { "fig2-gpu-f32", { op = "outer_sum", impl = "gemm" } },
      { "fig2-gpu-f32-ref", { op = "outer_sum", impl = "materialized", axis = 0 } }),
  row("cpu-matvec", "PyTorch CPU f32, matvec", "fig2-cpu-ref", { "fig2-cpu-torch", { op = "matvec" } },
      { "fig2-cpu", { op = "matvec", impl = "gemm" } }, { "fig2-cpu-ref", { op = "matvec", impl = "gemv" } }),
  row("cpu-cols", "PyTorch CPU f32, outer, columns", "fig2-cpu-ref", { "fig2-cpu-torch", { op = "outer_sum" } },
      { "fig2-cpu", { op = "outer_sum", impl = "gemm" } },
      { "fig2-cpu-ref", { op = "outer_sum", impl = "materialized", axis = 0 } }),
}

-- The series whose numbers the text quotes, as \fb{q/<key>/time}, .../gbps,
-- .../pct (of the copy ceiling), .../bytes, .../ratio (to matvec of the
-- same run), .../n: stable names, "n/a" where a series was not measured.
-- The article's frameworks first; lib-: the library under them.
quote { key = "gpu64-matvec", experiment = "fig2-gpu-f64-cupy", series = { op = "matvec" },
        ceiling = "fig2-gpu-f64-ref" }
quote { key = "gpu64-cols", experiment = "fig2-gpu-f64-cupy", series = { op = "outer_sum" },
        ceiling = "fig2-gpu-f64-ref" }
quote { key = "gpu64-rows", experiment = "fig3-gpu-f64-cupy", series = { op = "outer_sum" },
        ceiling = "fig2-gpu-f64-ref" }
quote { key = "gpu32-matvec", experiment = "fig2-gpu-f32-torch", series = { op = "matvec" },
        ceiling = "fig2-gpu-f32-ref" }
quote { key = "gpu32-cols", experiment = "fig2-gpu-f32-torch", series = { op = "outer_sum" },
        ceiling = "fig2-gpu-f32-ref" }
quote { key = "cpu-matvec", experiment = "fig2-cpu-torch", series = { op = "matvec" }, ceiling = "fig2-cpu-ref" }
quote { key = "cpu-cols", experiment = "fig2-cpu-torch", series = { op = "outer_sum" }, ceiling = "fig2-cpu-ref" }
quote { key = "lib-gpu64-matvec", experiment = "fig2-gpu-f64", series = { op = "matvec" },
        ceiling = "fig2-gpu-f64-ref" }
quote { key = "lib-gpu64-cols", experiment = "fig2-gpu-f64", series = { op = "outer_sum" },
        ceiling = "fig2-gpu-f64-ref" }
quote { key = "lib-gpu64-rows", experiment = "fig3-gpu-f64", series = { op = "outer_sum" },
        ceiling = "fig2-gpu-f64-ref" }
quote { key = "lib-gpu32-cols", experiment = "fig2-gpu-f32", series = { op = "outer_sum" },
        ceiling = "fig2-gpu-f32-ref" }
quote { key = "lib-cpu-matvec", experiment = "fig2-cpu", series = { op = "matvec" }, ceiling = "fig2-cpu-ref" }
quote { key = "lib-cpu-cols", experiment = "fig2-cpu", series = { op = "outer_sum" }, ceiling = "fig2-cpu-ref" }
quote { key = "gpu64-mat-cols", experiment = "fig2-gpu-f64-ref",
        series = { op = "outer_sum", impl = "materialized", axis = 0 }, den = { op = "matvec", impl = "rowdot" } }
quote { key = "gpu64-mat-rows", experiment = "fig2-gpu-f64-ref",
        series = { op = "outer_sum", impl = "materialized", axis = 1 }, den = { op = "matvec", impl = "rowdot" } }
quote { key = "gpu64-fused", experiment = "fig2-gpu-f64-ref", series = { op = "outer_sum", impl = "fused" },
        den = { op = "matvec", impl = "rowdot" } }
quote { key = "gpu64-copy", experiment = "fig2-gpu-f64-ref", series = { op = "copy", backend = "cublas" } }
quote { key = "cpu-gemv", experiment = "fig2-cpu-ref", series = { op = "matvec", impl = "gemv" } }
quote { key = "cpu-fused", experiment = "fig2-cpu-ref", series = { op = "outer_sum", impl = "fused" } }
quote { key = "cpu-gemm-rows", experiment = "fig2-cpu-ref", series = { op = "outer_sum", impl = "gemm", axis = 1 } }
quote { key = "cpu-gemm-cols", experiment = "fig2-cpu-ref", series = { op = "outer_sum", impl = "gemm", axis = 0 } }

-- Across hosts: each article panel's ratio (outer_sum over matvec) against
-- N on every host that recorded it, the framework solid and the library
-- under it dashed (lua/report_hosts.lua).
hosts_figure { file = "hosts-gpu-f64", framework = "fig2-gpu-f64-cupy", library = "fig2-gpu-f64", axis = 0 }
hosts_figure { file = "hosts-gpu-f32", framework = "fig2-gpu-f32-torch", library = "fig2-gpu-f32", axis = 0 }
hosts_figure { file = "hosts-cpu", framework = "fig2-cpu-torch", library = "fig2-cpu", axis = 0 }

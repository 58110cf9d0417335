-- paper.lua: what paper/paper.tex shows, read by `runner report`.
-- Each figure{} becomes build/paper/gen/<file>.gp, drawn by gnuplot into
-- <file>.tex + <file>.pdf (a legend becomes <file>.tex directly), which the
-- paper inputs. The experiments are the ones the scripts given to the
-- report declare (make passes experiments/fig*.lua); where their results
-- come from is the report's business (lua/report_data.lua).
--
-- Each experiments/figN_*.lua declares a main experiment (cuBLAS or
-- OpenBLAS gemm, as CuPy and PyTorch call them) and, for Figure 2, a
-- "-ref" one on the same machine: the copy ceiling, gemv, our own kernels
-- for both summation axes, and the fused outer_sum.

-- Figure 2: the article's three panels, one shared key.
local fig2_series = { { op = "matvec" }, { op = "outer_sum", impl = "gemm" } }
figure { file = "fig2-gpu-f64", kind = "runtime", experiment = "fig2-gpu-f64", series = fig2_series }
figure { file = "fig2-gpu-f32", kind = "runtime", experiment = "fig2-gpu-f32", series = fig2_series }
figure { file = "fig2-cpu", kind = "runtime", experiment = "fig2-cpu", series = fig2_series }
figure { file = "fig2-key", kind = "legend", figures = { "fig2-gpu-f64", "fig2-gpu-f32", "fig2-cpu" } }

-- Figure 3: the float64 GPU panel summed over the other axis, with Figure
-- 2's axis from its own run for comparison.
figure { file = "fig3-gpu-f64", kind = "runtime", experiment = "fig3-gpu-f64", size = "8cm,6.2cm",
         series = { { op = "matvec" }, { op = "outer_sum", impl = "gemm" },
                    { experiment = "fig2-gpu-f64", op = "outer_sum", impl = "gemm",
                      label = "outer, columns (axis 0), Figure 2's run" } } }

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
    experiments = { "fig2-gpu-f64", "fig3-gpu-f64", "fig2-gpu-f64-ref" } },
  { title = "GPU, float32", ceiling = "fig2-gpu-f32-ref", experiments = { "fig2-gpu-f32", "fig2-gpu-f32-ref" } },
  { title = "CPU, float32", ceiling = "fig2-cpu-ref", experiments = { "fig2-cpu", "fig2-cpu-ref" } },
}

-- The series whose numbers the text quotes, as \fb{q/<key>/time}, .../gbps,
-- .../pct (of the copy ceiling), .../bytes, .../ratio (to matvec of the
-- same run), .../n: stable names, "n/a" where a series was not measured.
quote { key = "gpu64-matvec", experiment = "fig2-gpu-f64", series = { op = "matvec" },
        ceiling = "fig2-gpu-f64-ref" }
quote { key = "gpu64-cols", experiment = "fig2-gpu-f64", series = { op = "outer_sum" },
        ceiling = "fig2-gpu-f64-ref" }
quote { key = "gpu64-rows", experiment = "fig3-gpu-f64", series = { op = "outer_sum" },
        ceiling = "fig2-gpu-f64-ref" }
quote { key = "gpu64-mat-cols", experiment = "fig2-gpu-f64-ref",
        series = { op = "outer_sum", impl = "materialized", axis = 0 }, den = { op = "matvec", impl = "rowdot" } }
quote { key = "gpu64-mat-rows", experiment = "fig2-gpu-f64-ref",
        series = { op = "outer_sum", impl = "materialized", axis = 1 }, den = { op = "matvec", impl = "rowdot" } }
quote { key = "gpu64-fused", experiment = "fig2-gpu-f64-ref", series = { op = "outer_sum", impl = "fused" },
        den = { op = "matvec", impl = "rowdot" } }
quote { key = "gpu64-copy", experiment = "fig2-gpu-f64-ref", series = { op = "copy", backend = "cublas" } }
quote { key = "gpu32-matvec", experiment = "fig2-gpu-f32", series = { op = "matvec" },
        ceiling = "fig2-gpu-f32-ref" }
quote { key = "gpu32-cols", experiment = "fig2-gpu-f32", series = { op = "outer_sum" },
        ceiling = "fig2-gpu-f32-ref" }
quote { key = "cpu-matvec", experiment = "fig2-cpu", series = { op = "matvec" }, ceiling = "fig2-cpu-ref" }
quote { key = "cpu-cols", experiment = "fig2-cpu", series = { op = "outer_sum" }, ceiling = "fig2-cpu-ref" }
quote { key = "cpu-gemv", experiment = "fig2-cpu-ref", series = { op = "matvec", impl = "gemv" } }
quote { key = "cpu-fused", experiment = "fig2-cpu-ref", series = { op = "outer_sum", impl = "fused" } }
quote { key = "cpu-gemm-rows", experiment = "fig2-cpu-ref", series = { op = "outer_sum", impl = "gemm", axis = 1 } }
quote { key = "cpu-gemm-cols", experiment = "fig2-cpu-ref", series = { op = "outer_sum", impl = "gemm", axis = 0 } }

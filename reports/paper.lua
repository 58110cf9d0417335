-- paper.lua: what paper/paper.tex shows, read by `runner report`.
-- Each figure{} becomes build/paper/gen/<file>.gp, drawn by gnuplot into
-- <file>.tex + <file>.pdf, which the paper inputs. The experiments are the
-- ones the scripts given to the report declare (make passes
-- experiments/fig*.lua); where their results come from is the report's
-- business (see lua/report_data.lua).

-- Figure 2: the article's three panels.
local fig2_series = { { op = "matvec" }, { op = "outer_sum", impl = "gemm" } }
figure { file = "fig2-gpu-f64", kind = "runtime", experiment = "fig2-gpu-f64", series = fig2_series }
figure { file = "fig2-gpu-f32", kind = "runtime", experiment = "fig2-gpu-f32", series = fig2_series }
figure { file = "fig2-cpu", kind = "runtime", experiment = "fig2-cpu", series = fig2_series }
figure { file = "fig2-key", kind = "legend", figures = { "fig2-gpu-f64", "fig2-gpu-f32", "fig2-cpu" } }

-- Figure 3: the float64 GPU panel summed over the other axis.
figure { file = "fig3-gpu-f64", kind = "runtime", experiment = "fig3-gpu-f64",
         series = fig2_series, size = "8cm,6.2cm" }

-- What explains the gap: every series' bandwidth against the copy ceiling.
figure { file = "bandwidth-gpu-f64", kind = "bandwidth", experiment = "fig2-gpu-f64" }
figure { file = "bandwidth-gpu-f32", kind = "bandwidth", experiment = "fig2-gpu-f32" }
figure { file = "bandwidth-cpu", kind = "bandwidth", experiment = "fig2-cpu" }
figure { file = "bandwidth-key", kind = "legend",
         figures = { "bandwidth-gpu-f64", "bandwidth-gpu-f32", "bandwidth-cpu" } }

bytes_table { "fig2-gpu-f64", "fig2-gpu-f32", "fig2-cpu" }

-- The series whose numbers the text quotes, as \fb{q/<key>/time}, .../gbps,
-- .../pct (of the copy ceiling), .../bytes, .../ratio (to matvec), .../n:
-- stable names, "n/a" where a series was not measured.
local function quotes(prefix, experiment, list)
  for key, series in pairs(list) do
    quote { key = prefix .. "-" .. key, experiment = experiment, series = series }
  end
end
quotes("gpu64", "fig2-gpu-f64", {
  matvec = { op = "matvec" }, copy = { op = "copy" },
  rows = { op = "outer_sum", impl = "gemm", axis = 1 },
  cols = { op = "outer_sum", impl = "gemm", axis = 0 },
  fused = { op = "outer_sum", impl = "fused" },
})
quotes("gpu32", "fig2-gpu-f32", {
  matvec = { op = "matvec" }, copy = { op = "copy" },
  cols = { op = "outer_sum", impl = "gemm", axis = 0 },
  fused = { op = "outer_sum", impl = "fused" },
})
quotes("cpu", "fig2-cpu", {
  matvec = { op = "matvec" }, copy = { op = "copy" },
  cols = { op = "outer_sum", impl = "gemm", axis = 0 },
  fused = { op = "outer_sum", impl = "fused" },
})
quotes("fig3", "fig3-gpu-f64", {
  matvec = { op = "matvec" },
  outer = { op = "outer_sum", impl = "gemm" },
})

-- error: tests/report/bad/claim_unknown_experiment.lua:2: claim 'x': measure.experiment 'fig9-gpu' is not declared by any script of the report (declared: fig2-cpu, fig2-cpu-ref, fig2-cpu-torch, fig2-gpu-f32, fig2-gpu-f32-ref, fig2-gpu-f32-torch, fig2-gpu-f64, fig2-gpu-f64-cupy, fig2-gpu-f64-ref, fig3-gpu-f64, fig3-gpu-f64-cupy, frameworks-cpu, frameworks-gpu)
claim {
  id = "x", text = "A claim.", article = "1.5",
  measure = { kind = "ratio", experiment = "fig9-gpu", n = 4000,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
  expect = { above = 1 },
}

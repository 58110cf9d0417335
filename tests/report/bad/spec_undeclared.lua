-- error: tests/report/bad/spec_undeclared.lua:2: figure 'fig9': experiment 'fig9-gpu' is not declared by any script given to the report (declared: fig2-cpu, fig2-cpu-ref, fig2-gpu-f32, fig2-gpu-f32-ref, fig2-gpu-f64, fig2-gpu-f64-ref, fig3-gpu-f64)
figure { file = "fig9", kind = "runtime", experiment = "fig9-gpu" }

-- error: tests/report/bad/spec_kind.lua:2: figure 'pie': field 'kind' must be "runtime", "bandwidth" or "legend", got "pie"
figure { file = "pie", kind = "pie", experiment = "fig2-cpu" }

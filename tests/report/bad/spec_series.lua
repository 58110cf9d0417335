-- error: tests/report/bad/spec_series.lua:2: figure 'a': series 1: unknown field 'colour' (valid: axis, backend, dashed, dtype, experiment, impl, label, op, threads)
figure { file = "a", kind = "runtime", experiment = "fig2-cpu", series = { { op = "matvec", colour = "red" } } }

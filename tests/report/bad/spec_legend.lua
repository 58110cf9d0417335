-- error: tests/report/bad/spec_legend.lua:3: figure 'key': 'b' is not a figure declared before it
figure { file = "a", kind = "runtime", experiment = "fig2-cpu" }
figure { file = "key", kind = "legend", figures = { "a", "b" } }

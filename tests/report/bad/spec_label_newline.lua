-- error: tests/report/bad/spec_label_newline.lua:2: figure 'a': series 1: field 'label' may not hold a control character
figure { file = "a", kind = "runtime", experiment = "fig2-cpu",
         series = { { op = "matvec", label = "matvec\n!touch marker" } } }

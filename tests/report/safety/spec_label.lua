-- A spec whose labels hold what gnuplot or LaTeX would run: drawn as text.
figure { file = "label", kind = "runtime", experiment = "fig2-cpu",
         series = { { op = "matvec", label = "it's \\input{/etc/hostname} $(touch marker) '' ; !touch marker" },
                    { op = "outer_sum", label = "50% & #1 ~ ^ _ { }" } } }

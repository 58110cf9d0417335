-- error: tests/report/bad/spec_hosts_figure.lua:2: hosts_figure 'hosts-x': field 'axis' must be 0 or 1 (the outer_sum's summation axis)
hosts_figure { file = "hosts-x", framework = "fig2-cpu-torch", axis = 2 }

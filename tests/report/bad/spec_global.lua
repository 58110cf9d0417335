-- error: tests/report/bad/spec_global.lua:3: undefined global 'os'
figure { file = "a", kind = "runtime", experiment = "fig2-cpu" }
os.exit(1)

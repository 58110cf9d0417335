-- axpy_report.lua: a report drawing the test-only op axpy, as the paper
-- draws matvec: its run-time and its bandwidth (tests/catalogue.sh).
figure { file = "axpy-runtime", kind = "runtime", experiment = "axpy",
         series = { { op = "axpy", dtype = "f32" }, { op = "axpy", dtype = "f64" } } }
figure { file = "axpy-bandwidth", kind = "bandwidth", experiment = "axpy",
         series = { { op = "axpy", dtype = "f64" } } }

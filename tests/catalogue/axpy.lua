-- axpy.lua: the test-only op axpy (out = 2 x + y, kernels/ops.c) on the
-- cpu backend, both dtypes, a size with a tail: checked, timed and written
-- as every op is (tests/catalogue.sh).
experiment {
  name = "axpy", backend = "cpu", dtype = { "f32", "f64" }, op = "axpy",
  n = { 1000, 4099 }, iterations = 20, samples = 3, warmup = 1,
}

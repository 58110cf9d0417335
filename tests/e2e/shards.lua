-- A small sweep for the shard tests (tests/e2e/shards.sh, tests/slurm.sh):
-- two experiments, five rounds (sizes) each, every point a few milliseconds.
experiment {
  name = "shards-a", backend = { "cpu", "openblas" }, dtype = "f64",
  op = { "matvec", "outer_sum" }, axis = 0, n = { 16, 32, 48, 64, 96 },
  iterations = 20, samples = 5, warmup = 1,
}
experiment {
  name = "shards-b", backend = "cpu", dtype = "f32", op = "copy", n = { 64, 128, 256 },
  iterations = 10, samples = 3, warmup = 0,
}

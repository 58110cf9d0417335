-- The global `profile` comes from --profile (default "full").
experiment {
  name = "profiled", backend = "cpu", dtype = "f32", op = "matvec",
  n = by_profile { tiny = { 8 }, full = range(1000, 20000, 500) },
  iterations = profile == "tiny" and 2 or 1000,
}

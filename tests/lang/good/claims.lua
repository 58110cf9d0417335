-- Claims resolve to pairs of points: a ratio at its n, a growth at from and
-- at to; none at an n this profile does not measure, for a selector that
-- picks several points, or for an experiment of another script.
experiment {
  name = "paired", backend = "cpu", dtype = "f32", op = { "matvec", "outer_sum" }, axis = { 0, 1 },
  impl = { outer_sum = "materialized" },
  n = by_profile { tiny = { 8, 16 }, full = { 1000, 20000 } }, iterations = 2, samples = 3,
}
claim {
  id = "ratio", text = "outer_sum over matvec at 16",
  measure = { kind = "ratio", experiment = "paired", n = 16,
              num = { op = "outer_sum", axis = 1 }, den = { op = "matvec" } },
}
claim {
  id = "growth", text = "the ratio grows from 8 to 16", precision = 0.05,
  measure = { kind = "growth", experiment = "paired", from = 8, to = 16,
              num = { op = "outer_sum", impl = "materialized", axis = 0 }, den = { op = "matvec" } },
}
claim {
  id = "not-here", text = "at an n the tiny profile does not measure",
  measure = { kind = "ratio", experiment = "paired", n = 20000,
              num = { op = "outer_sum", axis = 0 }, den = { op = "matvec" } },
}
claim {
  id = "several", text = "a selector that picks both axes",
  measure = { kind = "ratio", experiment = "paired", n = 16,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
}
claim {
  id = "elsewhere", text = "an experiment of another script",
  measure = { kind = "ratio", experiment = "fig2-cpu", n = 16,
              num = { op = "outer_sum", axis = 0 }, den = { op = "matvec" } },
}

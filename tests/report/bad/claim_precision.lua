-- error: tests/report/bad/claim_precision.lua:2: claim 'x': field 'precision' must be a number between 0 and 1 (the half-width of the claim's interval over its median: 0.03 is +-3%), got 3
claim {
  id = "x", text = "A claim.", article = "1", precision = 3,
  measure = { kind = "ratio", experiment = "fig2-cpu", n = 4000,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
  expect = { above = 1 },
}

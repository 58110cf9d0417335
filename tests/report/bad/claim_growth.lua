-- error: tests/report/bad/claim_growth.lua:2: claim 'x': measure.from and measure.to must be integers with 0 < from < to, got 4000 and 1000
claim {
  id = "x", text = "A claim.", article = "grows",
  measure = { kind = "growth", experiment = "fig2-cpu", from = 4000, to = 1000,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
  expect = { above = 1 },
}

-- error: tests/report/bad/claim_growth_n.lua:2: claim 'x': measure: field 'n' does not go with kind "growth" (ratio: n, num, den; growth: from, to, of, num, den)
claim {
  id = "x", text = "A claim.", article = "grows",
  measure = { kind = "growth", experiment = "fig2-cpu", from = 1000, to = 4000, n = 4000,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
  expect = { above = 1 },
}

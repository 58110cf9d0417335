-- error: tests/report/bad/claim_kind.lua:2: claim 'x': measure.kind must be "ratio" or "growth", got "speedup"
claim {
  id = "x", text = "A claim.", article = "1.5",
  measure = { kind = "speedup", experiment = "fig2-cpu", n = 4000,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
  expect = { above = 1 },
}

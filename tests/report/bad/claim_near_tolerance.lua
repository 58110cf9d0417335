-- error: tests/report/bad/claim_near_tolerance.lua:2: claim 'x': expect.near needs a positive tolerance
claim {
  id = "x", text = "A claim.", article = "1.5",
  measure = { kind = "ratio", experiment = "fig2-cpu", n = 4000,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
  expect = { near = 1.5 },
}

-- error: tests/report/bad/claim_duplicate.lua:2: claim 'cpu-too' is also declared at tests/report/experiments/fig2_cpu.lua:15
claim {
  id = "cpu-too", text = "Again.", article = "1",
  measure = { kind = "ratio", experiment = "fig2-cpu", n = 4000,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
  expect = { above = 1 },
}

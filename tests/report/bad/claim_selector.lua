-- error: tests/report/bad/claim_selector.lua:2: claim 'x': measure.num: unknown field 'axes' (valid: axis, backend, dtype, impl, op, threads)
claim {
  id = "x", text = "A claim.", article = "1.5",
  measure = { kind = "ratio", experiment = "fig2-cpu", n = 4000,
              num = { op = "outer_sum", axes = 0 }, den = { op = "matvec" } },
  expect = { above = 1 },
}

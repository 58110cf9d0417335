-- error: tests/report/bad/claim_unknown_field.lua:2: claim 'x': unknown field 'expected' (valid fields: article, expect, id, measure, note, precision, references, text)
claim {
  id = "x", text = "A claim.", article = "1", expected = { above = 1 },
  measure = { kind = "ratio", experiment = "fig2-cpu", n = 4000,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
  expect = { above = 1 },
}

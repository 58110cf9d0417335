-- error: tests/report/bad/claim_article.lua:2: claim 'x': field 'article' must be the article's value as text, got 1.5
claim {
  id = "x", text = "A claim.", article = 1.5,
  measure = { kind = "ratio", experiment = "fig2-cpu", n = 4000,
              num = { op = "outer_sum" }, den = { op = "matvec" } },
  expect = { near = 1.5, tolerance = 0.2 },
}

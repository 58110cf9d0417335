-- References that disagree with the results they cite, each a different
-- way: a value off by 10%, a tolerance narrower than the recorded
-- interval, a class that is not the cited host's, a host with no results.
claim {
  id = "bad-refs",
  text = "The CPU's column sums against gemv.",
  article = "n/a",
  measure = { kind = "ratio", experiment = "fig2-cpu", n = 4000,
              num = { op = "outer_sum", impl = "gemm" }, den = { op = "matvec" } },
  expect = { above = 1 },
  references = {
    { host = "fakecpu", class = "Fake EPYC", value = 1.43, tolerance = 0.5 },
    { host = "fakecpu", class = "Fake EPYC", value = 1.3, tolerance = 0.01 },
    { host = "fakecpu", class = "Fake H200", value = 1.3, tolerance = 0.5 },
    { host = "nosuchhost", class = "Fake EPYC", value = 1.3, tolerance = 0.5 },
  },
}

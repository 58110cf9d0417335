-- A claim whose reference (recorded on fakecpu, this build's class) this
-- build misses: its row sums run twice as fast here. For test_hosts.sh.
claim {
  id = "cpu-rows-ref",
  text = "The CPU's row sums against gemv.",
  article = "n/a",
  measure = { kind = "ratio", experiment = "fig2-cpu-ref", n = 4000,
              num = { op = "outer_sum", impl = "gemm", axis = 1 }, den = { op = "matvec" } },
  expect = { above = 1 },
  references = { { host = "fakecpu", class = "Fake EPYC 7B13 (2 cores)", value = 3.19, tolerance = 0.15 } },
}

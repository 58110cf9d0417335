-- Lists combine as a product; axis does not multiply matvec or copy.
experiment {
  name = "product", backend = "cpu", dtype = { "f32", "f64" },
  op = { "matvec", "outer_sum" }, axis = { 0, 1 }, n = { 1, 2, 3 },
  iterations = 5, samples = 3,
}

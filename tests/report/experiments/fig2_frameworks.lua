-- Test double of experiments/fig2_frameworks.lua, and of fig2_cpu.lua's
-- PyTorch experiment: declared, no results.
experiment {
  name = "fig2-cpu-torch", backend = "torch", dtype = "f32", optional = true,
  op = { "matvec", "outer_sum" }, axis = 0, impl = "article",
  n = { 1000, 2000, 4000 }, iterations = 3, samples = 5,
}

experiment {
  name = "frameworks-gpu", backend = { "cupy", "torch-cuda" }, dtype = { "f32", "f64" },
  op = { "matvec", "outer_sum" }, axis = { 0, 1 }, n = { 1000 }, iterations = 10, samples = 5,
  optional = true,
}

experiment {
  name = "frameworks-cpu", backend = { "torch", "numpy" }, dtype = { "f32", "f64" },
  op = { "matvec", "outer_sum" }, axis = { 0, 1 }, n = { 1000 }, iterations = 3, samples = 5,
  optional = true,
}

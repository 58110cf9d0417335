experiment {
  name = "x", backend = "cpu"
  dtype = "f32",
}

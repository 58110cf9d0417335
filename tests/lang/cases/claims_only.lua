-- A claim alone measures nothing.
claim { id = "c", text = "a claim without an experiment" }

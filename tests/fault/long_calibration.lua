-- Calibration grows the batch towards an hour.
experiment { name = "long-calibration", backend = "cpu", dtype = "f64", op = "matvec", n = 1500,
             iterations = "auto", min_batch_time = 3600, samples = 1 }

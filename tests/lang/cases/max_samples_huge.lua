experiment { name = 'x', backend = 'cpu', dtype = 'f32', op = 'matvec', n = 8, samples = 10, max_samples = 2^61 + 1 }
